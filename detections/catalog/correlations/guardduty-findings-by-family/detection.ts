import { filter, map } from 'rxjs';
import type { SecurityEvent, Severity } from '../../../../schemas/types.js';
import type { Detection } from '../../../api.js';
import { buildFinding } from '../../../finding.js';
import { hours, minutes, session, type WindowMatch, windowBy } from '../../../operators/index.js';
import { paramReader } from '../../params.js';
import type { CorrelationShape } from '../shape.js';
import { story } from '../story.js';

const ID = 'guardduty-findings-by-family';

/** `gapMinutes`: findings of one family on one resource less than this apart are one incident. */
export const DEFAULT_PARAMS = { gapMinutes: 30 };

export const shape: CorrelationShape = {
  window: 'session, 30 min gap (at most 1 h)',
  key: 'account + resource + family',
  partitionKey: 'resource (instance, access key, bucket…)',
};

/** Families by the finding type's threat purpose and resource, most specific first. */
const FAMILIES: readonly [RegExp, string, string][] = [
  [/^CryptoCurrency:|BitcoinTool|BitcoinDomain/i, 'crypto-mining', 'crypto-mining'],
  [
    /InstanceCredentialExfiltration|^CredentialAccess:/i,
    'credential-exfiltration',
    'credential exfiltration',
  ],
  [
    /^(Exfiltration|Impact|Stealth|Discovery|Policy|UnauthorizedAccess|PenTest):S3\//i,
    's3-exfiltration',
    'S3 data access',
  ],
  [/^(Recon|Discovery|PenTest):/i, 'reconnaissance', 'reconnaissance'],
  [/:(EC2|Runtime|ECS|EKS|Container|Kubernetes|Lambda)\//i, 'instance-compromise', 'workload compromise'],
  [/:(IAMUser|RDS)\//i, 'account-compromise', 'credential misuse'],
];

/**
 * GuardDuty findings grouped per resource and family (reconnaissance, workload compromise, credential
 * exfiltration, crypto-mining, S3 data access, credential misuse): one finding per incident listing every
 * finding type, instead of one per GuardDuty finding and update. Findings of a family on a resource less than
 * 30 minutes apart are one incident; a day's incidents roll up into one finding with a count.
 */
export const detection: Detection = {
  id: ID,
  title: 'GuardDuty findings on one resource, by family',
  description:
    'GuardDuty findings on one resource (instance, access key, bucket, cluster) grouped by what they mean — ' +
    'reconnaissance, workload compromise, credential exfiltration, crypto-mining, S3 data access, credential ' +
    'misuse — so an incident that GuardDuty reports as several types and updates reads as one finding with its ' +
    'types, counts and the highest severity. Severity follows the highest GuardDuty severity (≥ 7 high, ≥ 9 ' +
    'critical); several types of one family raise it a level.',
  severity: 'medium',
  mitre: ['T1078.004', 'T1496', 'T1552.005', 'T1530'],
  tactics: ['impact', 'credential-access', 'discovery'],
  runbook: 'https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_remediate.html',
  remediation:
    "Follow GuardDuty's remediation for the family (console: GuardDuty → Findings, filter on the resource): " +
    'isolate a compromised instance (a security group with no rules, snapshot, replace), revoke the sessions or ' +
    'deactivate the keys of misused credentials, block public access and review the bucket policy for S3 data ' +
    'access. Archive findings only once the resource is clean.',
  routes: [{ source: 'guardduty', actions: '*' }],
  dedupPeriodMs: hours(24),
  stateful: { partitionKey: (event) => (counts(event) ? resourceOf(event) : null) },
  operator: ({ clock, params }) => {
    const gapMinutes = paramReader(ID, params).positiveInteger('gapMinutes', DEFAULT_PARAMS.gapMinutes);
    return (events) =>
      events.pipe(
        filter(counts),
        windowBy({
          clock,
          key: (event) => `${event.account ?? ''}|${resourceOf(event)}|${familyOf(event)[0]}`,
          // At most an hour, so an incident fits the consumer's default checkpoint horizon.
          window: session(minutes(gapMinutes), hours(1)),
        }),
        map(familyFinding),
      );
  },
};

function counts(event: SecurityEvent): boolean {
  return event.source === 'guardduty' && event.guardduty !== null && event.guardduty.archived !== true;
}

function resourceOf(event: SecurityEvent): string {
  return event.guardduty?.resourceId ?? event.account ?? 'unknown';
}

/** [family id, family label] of a finding type. */
export function familyOf(event: SecurityEvent): [string, string] {
  for (const [pattern, id, label] of FAMILIES) if (pattern.test(event.action)) return [id, label];
  const purpose = event.action.split(':')[0] ?? 'other';
  return [purpose.toLowerCase(), purpose];
}

const LEVELS: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

function familyFinding(match: WindowMatch<SecurityEvent>) {
  // GuardDuty re-sends a finding as it updates: keep each finding's latest version.
  const latest = new Map<string, SecurityEvent>();
  for (const event of match.items) latest.set(event.id, event);
  const findings = [...latest.values()];
  const types = [...new Set(findings.map((event) => event.action))].sort();
  const highest = Math.max(...findings.map((event) => event.guardduty?.severity ?? 0));
  const base = highest >= 9 ? 3 : highest >= 7 ? 2 : highest >= 4 ? 1 : 0;
  const severity = LEVELS[Math.min(3, base + (types.length >= 3 ? 1 : 0))] as Severity;
  const trigger = match.items.at(-1) as SecurityEvent;
  const [family, label] = familyOf(trigger);
  const resource = resourceOf(trigger);
  const occurrences = findings.reduce((sum, event) => sum + (event.guardduty?.count ?? 1), 0);
  const told = story(
    types.map((type) => ({ name: type, events: findings.filter((event) => event.action === type) })),
  );
  return buildFinding(detection, {
    key: match.key,
    trigger,
    events: told.events,
    window: match.window,
    severity,
    title: `GuardDuty ${label} on ${resource}: ${types.length} finding type(s), highest severity ${highest}`,
    description: `${told.summary}. GuardDuty counted ${occurrences} occurrence(s) of ${findings.length} finding(s).`,
    principal: null,
    resources: trigger.resources,
    count: findings.length,
    dedupKey: match.key,
    context: {
      ...told.context,
      family,
      types: types.join(','),
      highestSeverity: String(highest),
      occurrences: String(occurrences),
    },
  });
}

import { filter, map } from 'rxjs';
import type { GuardDutyFinding, SecurityEvent } from '../../../../schemas/types.js';
import type { Detection } from '../../../api.js';
import { buildFinding } from '../../../finding.js';
import { hours } from '../../../operators/index.js';
import { paramReader } from '../../params.js';
import { isSampleFinding } from './sample-finding.js';

const ID = 'guardduty-high-severity-finding';

/**
 * `minSeverity`: lowest GuardDuty severity reported (GuardDuty bands: High 7.0-8.9, Critical 9.0-10.0);
 * `criticalSeverity`: from this GuardDuty severity on the finding is critical.
 */
export const DEFAULT_PARAMS = { minSeverity: 7, criticalSeverity: 9 };
const SEVERITY_RANGE = { min: 0, max: 10 };

/**
 * GuardDuty findings of high severity (≥ 7.0; critical from 9.0), active and not samples. One finding per
 * (account, resource, finding type) a day: GuardDuty re-sends a finding each time its count grows.
 */
export const detection: Detection = {
  id: ID,
  title: 'GuardDuty high-severity finding',
  description:
    'GuardDuty reported a high or critical severity threat: a resource is likely compromised (an instance ' +
    'talking to a command-and-control server, credentials used from a malicious address, data exfiltration...). ' +
    'GuardDuty rates it High (7.0-8.9) or Critical (9.0-10.0): act now, not at the next review.',
  severity: 'high',
  mitre: ['T1078.004', 'T1496'],
  tactics: ['initial-access', 'impact'],
  panther: { rules: ['AWS.GuardDuty.HighSeverityFinding', 'AWS.GuardDuty.CriticalSeverityFinding'] },
  runbook: 'https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_remediate.html',
  remediation:
    'Open the finding (GuardDuty console > Findings > filter by finding id, or `aws guardduty get-findings`) and ' +
    'follow the remediation for its resource type: for an instance, isolate it with a security group that allows ' +
    'no traffic, snapshot its volumes and detach its instance profile; for an access key, deactivate it ' +
    '(`aws iam update-access-key --status Inactive`) and revoke role sessions; for an S3 bucket, block public ' +
    'access and review the bucket policy. Archive the finding only once the cause is fixed.',
  routes: [{ source: 'guardduty', actions: '*' }],
  dedupPeriodMs: hours(24),
  operator: ({ params }) => {
    const read = paramReader(ID, params);
    const settings = {
      minSeverity: read.number('minSeverity', DEFAULT_PARAMS.minSeverity, SEVERITY_RANGE),
      criticalSeverity: read.number('criticalSeverity', DEFAULT_PARAMS.criticalSeverity, SEVERITY_RANGE),
    };
    return (events) =>
      events.pipe(
        filter((event) => {
          const guardduty = event.guardduty;
          return (
            guardduty !== null && guardduty.severity >= settings.minSeverity && guardduty.archived !== true
          );
        }),
        filter((event) => !isSampleFinding(event)),
        map((event) => highSeverityFinding(event, event.guardduty!, settings)),
      );
  },
};

function highSeverityFinding(
  event: SecurityEvent,
  guardduty: GuardDutyFinding,
  settings: typeof DEFAULT_PARAMS,
) {
  const critical = guardduty.severity >= settings.criticalSeverity;
  const resource = `${guardduty.resourceType ?? 'resource'} ${guardduty.resourceId ?? 'unknown'}`;
  const context: Record<string, string> = {
    findingType: guardduty.type,
    guardDutySeverity: String(guardduty.severity),
    resourceType: guardduty.resourceType ?? '',
    resourceId: guardduty.resourceId ?? '',
    occurrences: String(guardduty.count),
  };
  if (guardduty.actionType) context.actionType = guardduty.actionType;
  if (guardduty.remoteIp) context.remoteIp = guardduty.remoteIp;
  return buildFinding(detection, {
    key: `${event.account ?? 'unknown'}|${guardduty.resourceId ?? '-'}|${guardduty.type}`,
    trigger: event,
    severity: critical ? 'critical' : 'high',
    title: `GuardDuty ${guardduty.type} (severity ${guardduty.severity}) on ${resource}`,
    description: guardduty.title ?? `GuardDuty reported ${guardduty.type} on ${resource}.`,
    context,
  });
}

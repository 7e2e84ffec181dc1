import { map } from 'rxjs';
import type { SecurityEvent } from '../../../../schemas/types.js';
import type { Detection } from '../../../api.js';
import { buildFinding, principalLabel } from '../../../finding.js';
import { hours, minutes, type SequenceMatch, sequence } from '../../../operators/index.js';
import { paramReader } from '../../params.js';
import { isAwsServiceCall, principalPartition } from '../principal.js';
import type { CorrelationShape } from '../shape.js';
import { story } from '../story.js';

const ID = 'guardduty-finding-then-principal-activity';

/** `withinMinutes`: how long after the GuardDuty finding the principal's changes are correlated. */
export const DEFAULT_PARAMS = { withinMinutes: 60 };

export const shape: CorrelationShape = {
  window: '2-step sequence within 60 min',
  key: 'principal (account/unique id)',
  partitionKey: 'principal (account/unique id)',
};

/**
 * A GuardDuty finding about an IAM principal's credentials (an access key: anomalous behaviour, malicious IP
 * caller, Tor, pentest tools…), then CloudTrail changes by that same principal within the hour: the flagged
 * credentials are still in use, and what they change is where to look first.
 */
export const detection: Detection = {
  id: ID,
  title: 'Principal flagged by GuardDuty keeps making changes',
  description:
    'GuardDuty reported a finding about the credentials of an IAM user or role (resource type AccessKey), and the ' +
    'same principal then made changes (write calls, refused or not) recorded by CloudTrail within an hour. The ' +
    'finding alone may be a false positive; the credentials acting right after it is what makes it urgent, and ' +
    "the finding lists those calls. Matched on the principal's unique id (AIDA…/AROA…), which both sources carry.",
  severity: 'high',
  mitre: ['T1078.004', 'T1098'],
  tactics: ['persistence', 'credential-access'],
  failedCalls: 'counted',
  runbook: 'https://docs.aws.amazon.com/guardduty/latest/ug/compromised-creds.html',
  remediation:
    "Treat the credentials as compromised: deactivate the user's access keys (`aws iam update-access-key " +
    "--status Inactive`) or revoke the role's sessions (IAM console → Roles → <role> → Revoke active sessions), " +
    'then undo the changes listed in the finding and look for new users, keys and roles created since.',
  routes: [
    { source: 'guardduty', actions: '*' },
    { source: 'cloudtrail', actions: '*', changesOnly: true },
  ],
  dedupPeriodMs: hours(1),
  stateful: {
    partitionKey: (event) =>
      isCredentialFinding(event) || isChange(event) ? principalPartition(event) : null,
  },
  operator: ({ clock, params }) => {
    const withinMinutes = paramReader(ID, params).positiveInteger(
      'withinMinutes',
      DEFAULT_PARAMS.withinMinutes,
    );
    return (events) =>
      events.pipe(
        sequence({
          clock,
          first: (event) => (isCredentialFinding(event) ? principalPartition(event) : null),
          // biome-ignore lint/suspicious/noThenProperty: the sequence contract names the pair first/then; never awaited
          then: (event) => (isChange(event) ? principalPartition(event) : null),
          within: minutes(withinMinutes),
        }),
        map(activityFinding),
      );
  },
};

function isCredentialFinding(event: SecurityEvent): boolean {
  return (
    event.source === 'guardduty' &&
    event.guardduty?.resourceType === 'AccessKey' &&
    event.guardduty.archived !== true
  );
}

function isChange(event: SecurityEvent): boolean {
  return event.source === 'cloudtrail' && event.readOnly === false && !isAwsServiceCall(event);
}

function activityFinding({ key, first, then }: SequenceMatch<SecurityEvent, SecurityEvent>) {
  const findingType = first.guardduty?.type ?? first.action;
  const who = principalLabel(then) ?? key;
  const told = story([
    { name: `GuardDuty ${findingType}`, events: [first] },
    { name: 'change by the same principal', events: [then] },
  ]);
  return buildFinding(detection, {
    key,
    trigger: then,
    events: told.events,
    // One occurrence of the sequence: the dedup roll-up then counts the occurrences.
    count: 1,
    // The calls after one GuardDuty finding roll up into one finding with a count.
    dedupKey: `${key}|${first.id}`,
    title: `${who} called ${then.action} ${Math.round((then.time - first.time) / 60_000)} minutes after GuardDuty ${findingType}`,
    description: `${told.summary}. The credentials GuardDuty flagged are still being used.`,
    context: {
      ...told.context,
      findingType,
      guardDutySeverity: String(first.guardduty?.severity ?? ''),
      guardDutyFindingId: first.id,
      accessKeyId: first.guardduty?.resourceId ?? '',
    },
  });
}

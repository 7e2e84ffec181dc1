import { map, mergeMap } from 'rxjs';
import type { SecurityEvent } from '../../../../schemas/types.js';
import type { Detection } from '../../../api.js';
import { buildFinding, principalLabel } from '../../../finding.js';
import { hours, minutes, type SequenceMatch, sequence } from '../../../operators/index.js';
import { paramReader } from '../../params.js';
import { requestedInstanceIds, setsUserData } from '../instance-ids.js';
import { succeeded } from '../record.js';

const ID = 'ec2-user-data-script-run';

/** `withinMinutes`: how long after the user data change a start of the instance is correlated. */
export const DEFAULT_PARAMS = { withinMinutes: 60 };

/** One instance of a call: ModifyInstanceAttribute names one, StartInstances may name several. */
interface InstanceStep {
  time: number;
  id: string;
  event: SecurityEvent;
  key: string;
  changed: boolean;
}

/**
 * ModifyInstanceAttribute (userData) on an instance, then StartInstances of the same instance within
 * `withinMinutes`: the stop → modify → start sequence that runs the new user data as root at boot.
 */
export const detection: Detection = {
  id: ID,
  title: 'EC2 instance started after its user data was changed',
  description:
    "An instance's user data was replaced and the instance was started again shortly after: the new script has " +
    'run as root at boot. This is the full stop → modify user data → start sequence attackers use to execute ' +
    "code on an instance and take its role's credentials without SSH, and the reason to act now rather than at " +
    'the next review.',
  severity: 'critical',
  mitre: ['T1059.009', 'T1098'],
  tactics: ['execution', 'privilege-escalation'],
  failedCalls: 'ignored',
  stratus: ['aws.execution.ec2-user-data'],
  runbook: 'https://hackingthe.cloud/aws/exploitation/local-priv-esc-mod-instance-att/',
  remediation:
    'Isolate the instance (replace its security groups with one that allows no traffic: `aws ec2 ' +
    'modify-instance-attribute --instance-id <id> --groups <isolation-sg>`), read the user data that ran ' +
    '(`aws ec2 describe-instance-attribute --instance-id <id> --attribute userData`), revoke the instance ' +
    "role's sessions (IAM console → Roles → <role> → Revoke active sessions), snapshot the volumes for " +
    'investigation, and find out how the principal got ec2:ModifyInstanceAttribute.',
  routes: [{ source: 'cloudtrail', actions: ['ec2:ModifyInstanceAttribute', 'ec2:StartInstances'] }],
  dedupPeriodMs: hours(1),
  stateful: { partitionKey: (event) => (steps(event).length > 0 ? event.account : null) },
  operator: ({ clock, params }) => {
    const withinMinutes = paramReader(ID, params).positiveInteger(
      'withinMinutes',
      DEFAULT_PARAMS.withinMinutes,
    );
    return (events) =>
      events.pipe(
        mergeMap(steps),
        sequence({
          clock,
          first: (step: InstanceStep) => (step.changed ? step.key : null),
          // biome-ignore lint/suspicious/noThenProperty: the sequence contract names the pair first/then; never awaited
          then: (step) => (step.changed ? null : step.key),
          within: minutes(withinMinutes),
        }),
        map((match) => scriptRunFinding(match, withinMinutes)),
      );
  },
};

/** The (account, instance) steps of a successful user data change or instance start. */
function steps(event: SecurityEvent): InstanceStep[] {
  if (!succeeded(event)) return [];
  const changed = event.action === 'ec2:ModifyInstanceAttribute';
  if (changed && !setsUserData(event)) return [];
  return requestedInstanceIds(event).map((instance) => ({
    time: event.time,
    id: `${event.id}#${instance}`,
    event,
    key: `${event.account ?? 'unknown'}:${instance}`,
    changed,
  }));
}

function scriptRunFinding(
  { key, first, then }: SequenceMatch<InstanceStep, InstanceStep>,
  withinMinutes: number,
) {
  const instance = key.slice(key.indexOf(':') + 1);
  const changedBy = principalLabel(first.event) ?? 'an unknown principal';
  const startedBy = principalLabel(then.event) ?? 'an unknown principal';
  const lag = Math.round((then.time - first.time) / 60_000);
  return buildFinding(detection, {
    key,
    trigger: then.event,
    events: [first.event, then.event],
    title: `${instance} started ${lag} minute(s) after its user data was changed by ${changedBy}`,
    description:
      `${changedBy} replaced the user data of ${instance}; ${lag} minute(s) later ${startedBy} started it, so the ` +
      'new script ran as root at boot.',
    resources: [{ type: 'AWS::EC2::Instance', id: instance, account: then.event.account }],
    context: {
      instanceId: instance,
      changedBy,
      startedBy,
      minutesBetween: String(lag),
      withinMinutes: String(withinMinutes),
    },
  });
}

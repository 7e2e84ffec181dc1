import { map, mergeMap } from 'rxjs';
import type { SecurityEvent } from '../../../../schemas/types.js';
import type { Detection } from '../../../api.js';
import { buildFinding, principalLabel } from '../../../finding.js';
import { type ChainMatch, chain, hours, minutes } from '../../../operators/index.js';
import { at, items, request, succeeded, text } from '../../cloudtrail/record.js';
import { paramReader } from '../../params.js';
import type { CorrelationShape } from '../shape.js';
import { story } from '../story.js';

const ID = 'ec2-user-data-swap';

/** `withinMinutes`: from the stop to the start. */
export const DEFAULT_PARAMS = { withinMinutes: 60 };

export const shape: CorrelationShape = {
  window: '3-step sequence within 60 min',
  key: 'instance',
  partitionKey: 'account (a stop or start may name several instances)',
};

/** One instance named by a call: the chain works per instance, and a stop may name several. */
interface InstanceCall {
  id: string;
  time: number;
  instance: string;
  event: SecurityEvent;
}

const STOP = 'ec2:StopInstances';
const MODIFY = 'ec2:ModifyInstanceAttribute';
const START = 'ec2:StartInstances';

/**
 * An instance stopped, its user data replaced, and started again within an hour: user data runs as root at
 * boot (cloud-init runs `#cloud-boothook` and per-boot scripts on every start), so this is how code is run on an
 * existing instance without SSH or SSM. Changing user data needs the instance stopped, hence the sequence.
 */
export const detection: Detection = {
  id: ID,
  title: 'EC2 instance stopped, user data replaced, and started',
  description:
    'An instance was stopped, its user data changed (ModifyInstanceAttribute), and started again within an hour. ' +
    'User data scripts run as root when the instance boots, so this runs new code on the instance with its ' +
    'role: a known way to execute code or plant persistence without SSH or Systems Manager. The user data itself ' +
    'is not in CloudTrail: read it from the instance.',
  severity: 'high',
  mitre: ['T1059.009', 'T1098'],
  tactics: ['execution', 'persistence'],
  failedCalls: 'ignored',
  stratus: ['aws.execution.ec2-user-data'],
  runbook: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html',
  remediation:
    'Read the current user data (`aws ec2 describe-instance-attribute --instance-id <id> --attribute userData ' +
    '--query UserData.Value --output text | base64 -d`) and compare it with the launch template; if it is not ' +
    'yours, isolate the instance (a security group with no rules), snapshot its volumes, and replace it from a ' +
    'known image. Restrict ec2:ModifyInstanceAttribute to deployment roles.',
  routes: [{ source: 'cloudtrail', actions: [STOP, MODIFY, START] }],
  dedupPeriodMs: hours(1),
  stateful: {
    partitionKey: (event) => (succeeded(event) && instanceCalls(event).length > 0 ? event.account : null),
  },
  operator: ({ clock, params }) => {
    const withinMinutes = paramReader(ID, params).positiveInteger(
      'withinMinutes',
      DEFAULT_PARAMS.withinMinutes,
    );
    const step = (action: string) => (call: InstanceCall) =>
      call.event.action === action ? `${call.event.account}/${call.instance}` : null;
    return (events) =>
      events.pipe(
        mergeMap((event) => (succeeded(event) ? instanceCalls(event) : [])),
        chain({ clock, steps: [step(STOP), step(MODIFY), step(START)], within: minutes(withinMinutes) }),
        map(swapFinding),
      );
  },
};

/** The instances a stop or start names, or the one whose user data a modify call changes. */
function instanceCalls(event: SecurityEvent): InstanceCall[] {
  const ids =
    event.action === MODIFY
      ? changesUserData(event)
        ? [text(request(event, 'instanceId'))]
        : []
      : items(request(event, 'instancesSet')).map((item) => text(at(item, 'instanceId')));
  return [...new Set(ids.filter((id): id is string => id !== null))].map((instance) => ({
    id: `${event.id}/${instance}`,
    time: event.time,
    instance,
    event,
  }));
}

/** The attribute changed is user data: `userData` in the request (its value is redacted), or `attribute`. */
function changesUserData(event: SecurityEvent): boolean {
  return request(event, 'userData') !== undefined || text(request(event, 'attribute')) === 'userData';
}

function swapFinding(match: ChainMatch<InstanceCall>) {
  const [stop, modify, start] = match.items.map((call) => call.event) as [
    SecurityEvent,
    SecurityEvent,
    SecurityEvent,
  ];
  const instance = (match.items[0] as InstanceCall).instance;
  const told = story([
    { name: 'instance stopped', events: [stop] },
    { name: 'user data replaced', events: [modify] },
    { name: 'instance started', events: [start] },
  ]);
  const who = principalLabel(modify) ?? 'an unknown principal';
  return buildFinding(detection, {
    key: match.key,
    trigger: start,
    events: told.events,
    // One occurrence of the sequence: the dedup roll-up then counts the occurrences.
    count: 1,
    title: `User data of ${instance} replaced between a stop and a start by ${who}`,
    description: `${told.summary}. The new user data ran as root when ${instance} booted.`,
    resources: [{ type: 'AWS::EC2::Instance', id: instance, account: start.account }],
    context: { ...told.context, instanceId: instance },
  });
}

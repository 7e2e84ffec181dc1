import type { JsonValue, SecurityEvent, Severity } from '../../../../schemas/types.js';
import { scalar } from '../query-shape.js';
import { request, response } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

/** Per call: how much it matters, and the id field its request (or response) names. */
const CALLS: Readonly<Record<string, { severity: Severity; what: string; id: string }>> = {
  CreateTrafficMirrorSession: { severity: 'high', what: 'mirror session created', id: 'NetworkInterfaceId' },
  ModifyTrafficMirrorSession: {
    severity: 'high',
    what: 'mirror session changed',
    id: 'TrafficMirrorSessionId',
  },
  CreateTrafficMirrorTarget: { severity: 'medium', what: 'mirror target created', id: 'NetworkInterfaceId' },
  CreateTrafficMirrorFilter: { severity: 'low', what: 'mirror filter created', id: 'ClientToken' },
  CreateTrafficMirrorFilterRule: {
    severity: 'low',
    what: 'mirror filter rule created',
    id: 'TrafficMirrorFilterId',
  },
  ModifyTrafficMirrorFilterRule: {
    severity: 'low',
    what: 'mirror filter rule changed',
    id: 'TrafficMirrorFilterRuleId',
  },
  ModifyTrafficMirrorFilterNetworkServices: {
    severity: 'low',
    what: 'mirror filter services changed',
    id: 'TrafficMirrorFilterId',
  },
  DeleteTrafficMirrorSession: {
    severity: 'low',
    what: 'mirror session deleted',
    id: 'TrafficMirrorSessionId',
  },
  DeleteTrafficMirrorTarget: { severity: 'low', what: 'mirror target deleted', id: 'TrafficMirrorTargetId' },
  DeleteTrafficMirrorFilter: { severity: 'low', what: 'mirror filter deleted', id: 'TrafficMirrorFilterId' },
  DeleteTrafficMirrorFilterRule: {
    severity: 'low',
    what: 'mirror filter rule deleted',
    id: 'TrafficMirrorFilterRuleId',
  },
};

export const detection = cloudTrailRule({
  id: 'ec2-traffic-mirroring',
  title: 'VPC traffic mirroring set up',
  description:
    'VPC Traffic Mirroring copies every packet of a network interface to a target (another interface or a load ' +
    'balancer, possibly in another account): an attacker uses it to capture credentials and data in transit without ' +
    'touching the instance. A mirror session created or changed is high, a target medium, filters and deletions ' +
    'low (the set-up and the clean-up around a capture). Every attempt counts, refused or failed: mirroring is rare ' +
    'outside dedicated network-monitoring set-ups.',
  severity: 'high',
  mitre: ['T1040'],
  tactics: ['credential-access', 'discovery'],
  failedCalls: 'counted',
  panther: { rules: ['AWS.EC2.Traffic.Mirroring'] },
  runbook: 'https://docs.aws.amazon.com/vpc/latest/mirroring/what-is-traffic-mirroring.html',
  remediation:
    'Confirm the session with the network-monitoring owner; if unknown, delete it and its target (`aws ec2 ' +
    'delete-traffic-mirror-session --traffic-mirror-session-id <tms>`, `aws ec2 delete-traffic-mirror-target`; ' +
    'VPC console → Traffic mirroring), find where the target sends traffic, and rotate credentials that crossed ' +
    'the mirrored interface. Restrict ec2:CreateTrafficMirror* to the network team.',
  actions: Object.keys(CALLS).map((call) => `ec2:${call}`),
  match: (event) => {
    const call = event.action.slice('ec2:'.length);
    const known = CALLS[call];
    if (known === undefined) return null;
    const subject = idOf(event, call, known.id);
    const who = actor(event);
    return {
      key: `${event.account}:${event.region}:${subject}`,
      severity: known.severity,
      title: `Traffic mirroring: ${known.what} (${subject}) by ${who}`,
      description: `${who} called ${call} in ${event.region ?? 'an unknown region'} (${subject}).${mirrorDetail(event, call)}`,
      resources: [{ type: 'AWS::EC2::TrafficMirrorSession', id: subject, account: event.account }],
      context: { call, subject },
    };
  },
});

function wrapped(event: SecurityEvent, call: string, field: string): JsonValue | undefined {
  return (
    request(event, `${call}Request`, field) ?? request(event, field.charAt(0).toLowerCase() + field.slice(1))
  );
}

function idOf(event: SecurityEvent, call: string, field: string): string {
  const created = response(event, `${call}Response`, 'trafficMirrorFilter', 'trafficMirrorFilterId');
  return scalar(wrapped(event, call, field)) ?? scalar(created) ?? 'unknown';
}

/** Where a session copies traffic to: its target and filter. */
function mirrorDetail(event: SecurityEvent, call: string): string {
  const target = scalar(wrapped(event, call, 'TrafficMirrorTargetId'));
  const source = scalar(wrapped(event, call, 'NetworkInterfaceId'));
  if (!call.includes('Session') || target === null) return '';
  return ` Traffic of ${source ?? "the session's interface"} is copied to target ${target}.`;
}

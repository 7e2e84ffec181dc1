import { principalLabel } from '../../../finding.js';
import { actorKind } from '../actor-kind.js';
import { cloudTrailFanOut } from '../fan-out.js';
import { requestedInstanceIds } from '../instance-ids.js';

export const detection = cloudTrailFanOut({
  id: 'ec2-instances-mass-stopped-or-terminated',
  title: 'Many EC2 instances stopped or terminated',
  description:
    'One principal (not Auto Scaling or another AWS service) stopped or terminated at least 10 different ' +
    'instances within 10 minutes. Outside a planned teardown this is destruction: an attacker taking ' +
    'production down, wiping evidence, or clearing capacity for its own instances.',
  severity: 'high',
  mitre: ['T1529', 'T1485'],
  tactics: ['impact'],
  failedCalls: 'ignored',
  runbook: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/terminating-instances.html',
  remediation:
    "Stop the principal first (deactivate its access key or revoke the role's sessions), then start the stopped " +
    'instances again (`aws ec2 start-instances --instance-ids <ids>`) and restore terminated ones from AMIs or ' +
    'snapshots; turn on termination protection for the instances that must survive ' +
    '(`aws ec2 modify-instance-attribute --instance-id <id> --disable-api-termination`).',
  actions: ['ec2:StopInstances', 'ec2:TerminateInstances'],
  key: (event) => (actorKind(event) === 'service' ? null : principalLabel(event)),
  targets: (event) => requestedInstanceIds(event),
  atLeast: 10,
  windowMinutes: 10,
  finding: (fanOut) => {
    const terminated = fanOut.events.some((event) => event.action === 'ec2:TerminateInstances');
    return {
      title: `${fanOut.targets.length} EC2 instances ${terminated ? 'stopped or terminated' : 'stopped'} by ${fanOut.key} within ${fanOut.windowMinutes} minutes`,
      description:
        `${fanOut.key} ${terminated ? 'stopped or terminated' : 'stopped'} ${fanOut.targets.length} instances ` +
        `in ${fanOut.events.length} call(s): ${fanOut.targets.slice(0, 20).join(', ')}${fanOut.targets.length > 20 ? ', …' : ''}.`,
      resources: fanOut.targets
        .slice(0, 20)
        .map((id) => ({ type: 'AWS::EC2::Instance', id, account: fanOut.events[0]?.account ?? null })),
      context: { instanceIds: fanOut.targets.join(',') },
    };
  },
});

import { principalLabel } from '../../../finding.js';
import { cloudTrailFanOut } from '../fan-out.js';
import { requestedInstanceIds } from '../instance-ids.js';

export const detection = cloudTrailFanOut({
  id: 'ec2-instance-connect-multiple-instances',
  title: 'SSH keys pushed to many instances with EC2 Instance Connect',
  description:
    'One principal pushed SSH keys (SendSSHPublicKey) to at least 3 different instances within an hour. People ' +
    'connect to one or two hosts; an attacker with stolen credentials spreads to every instance it can reach, ' +
    'each push opening a 60-second SSH login. Refused pushes count: they show the attempt.',
  severity: 'high',
  mitre: ['T1021.004', 'T1098.004'],
  tactics: ['lateral-movement'],
  failedCalls: 'counted',
  stratus: ['aws.lateral-movement.ec2-instance-connect'],
  runbook: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-connect-methods.html',
  remediation:
    "Confirm with the principal. If unexpected, revoke its credentials (deactivate the access key or revoke the role's " +
    'sessions), check each instance for logins with the pushed key (auth log, `last`), isolate the instances that ' +
    'accepted a login, and restrict ec2-instance-connect:SendSSHPublicKey to tagged instances and named OS users.',
  actions: ['ec2-instance-connect:SendSSHPublicKey'],
  key: (event) => principalLabel(event),
  targets: (event) => requestedInstanceIds(event),
  atLeast: 3,
  windowMinutes: 60,
  finding: (fanOut) => ({
    title: `SSH keys pushed to ${fanOut.targets.length} instances by ${fanOut.key} within ${fanOut.windowMinutes} minutes`,
    description:
      `${fanOut.key} pushed SSH keys to ${fanOut.targets.join(', ')} in ${fanOut.events.length} call(s)` +
      (fanOut.refused > 0 ? ` (${fanOut.refused} refused)` : '') +
      '. Each accepted push allows an SSH login for 60 seconds.',
    resources: fanOut.targets.map((id) => ({
      type: 'AWS::EC2::Instance',
      id,
      account: fanOut.events[0]?.account ?? null,
    })),
    context: { instanceIds: fanOut.targets.join(',') },
  }),
});

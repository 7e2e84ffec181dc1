import { principalLabel } from '../../../finding.js';
import { cloudTrailFanOut } from '../fan-out.js';
import { requestedInstanceIds } from '../instance-ids.js';

export const detection = cloudTrailFanOut({
  id: 'ec2-console-output-collected',
  title: 'Console screenshots or output of many instances collected',
  description:
    'One principal asked for the console screenshot (GetConsoleScreenshot) or console output (GetConsoleOutput) ' +
    'of at least 3 instances within 30 minutes. Engineers look at one instance that fails to boot; collecting ' +
    'many screens is reconnaissance for data shown on them (boot logs with secrets, logged-in sessions, ' +
    'hostnames). Refused calls count: they show the attempt.',
  severity: 'medium',
  mitre: ['T1113', 'T1580'],
  tactics: ['collection', 'discovery'],
  failedCalls: 'counted',
  stratus: ['aws.collection.ec2-console-screenshots'],
  runbook: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/troubleshoot-unreachable-instance.html',
  remediation:
    'Ask the principal why it needed these consoles. If unexpected, revoke its credentials (deactivate the ' +
    "access key or revoke the role's sessions), check the console output of the instances for secrets printed " +
    'at boot and rotate them, and allow ec2:GetConsoleScreenshot / ec2:GetConsoleOutput only to support roles.',
  actions: ['ec2:GetConsoleScreenshot', 'ec2:GetConsoleOutput'],
  key: (event) => principalLabel(event),
  targets: (event) => requestedInstanceIds(event),
  atLeast: 3,
  windowMinutes: 30,
  finding: (fanOut) => ({
    title: `Console screens of ${fanOut.targets.length} instances requested by ${fanOut.key} within ${fanOut.windowMinutes} minutes`,
    description:
      `${fanOut.key} requested the console screenshot or output of ${fanOut.targets.join(', ')} in ` +
      `${fanOut.events.length} call(s)${fanOut.refused > 0 ? `, ${fanOut.refused} of them refused` : ''}.`,
    resources: fanOut.targets.map((id) => ({
      type: 'AWS::EC2::Instance',
      id,
      account: fanOut.events[0]?.account ?? null,
    })),
    context: { instanceIds: fanOut.targets.join(',') },
  }),
});

import { principalLabel } from '../../../finding.js';
import { cloudTrailFanOut } from '../fan-out.js';
import { managedNodeResource, sessionTarget } from '../ssm-targets.js';

export const detection = cloudTrailFanOut({
  id: 'ssm-session-multiple-instances',
  title: 'Session Manager sessions on many instances',
  description:
    'One principal started Session Manager sessions (StartSession) on at least 3 different instances within an ' +
    'hour. Operators open a session on the host they work on; hopping across a fleet is how an attacker with an ' +
    'SSO or access-key compromise explores and spreads without SSH keys. Refused attempts count.',
  severity: 'high',
  mitre: ['T1021.007'],
  tactics: ['execution', 'lateral-movement'],
  failedCalls: 'counted',
  stratus: ['aws.execution.ssm-start-session'],
  runbook: 'https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-auditing.html',
  remediation:
    'Confirm with the principal. If unexpected: terminate its active sessions (`aws ssm describe-sessions ' +
    '--state Active`, then `aws ssm terminate-session`), revoke its credentials, review the session logs (S3 or ' +
    'CloudWatch Logs, if session logging is on) for the commands run, and limit ssm:StartSession by instance tags.',
  actions: ['ssm:StartSession'],
  key: (event) => principalLabel(event),
  targets: (event) => {
    const target = sessionTarget(event);
    return target === null ? [] : [target];
  },
  atLeast: 3,
  windowMinutes: 60,
  finding: (fanOut) => ({
    title: `Session Manager sessions on ${fanOut.targets.length} instances by ${fanOut.key} within ${fanOut.windowMinutes} minutes`,
    description:
      `${fanOut.key} started sessions on ${fanOut.targets.join(', ')} in ${fanOut.events.length} call(s)` +
      `${fanOut.refused > 0 ? ` (${fanOut.refused} refused)` : ''}.`,
    resources: fanOut.targets.map((id) => managedNodeResource(id, fanOut.events[0]?.account ?? null)),
    context: { instanceIds: fanOut.targets.join(',') },
  }),
});

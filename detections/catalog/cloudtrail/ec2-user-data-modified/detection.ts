import { requestedInstanceIds, setsUserData } from '../instance-ids.js';
import { succeeded } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'ec2-user-data-modified',
  title: "EC2 instance's user data modified",
  description:
    "An instance's user data was replaced (ModifyInstanceAttribute with userData). User data scripts run as " +
    'root (or SYSTEM) when the instance boots, so whoever can stop an instance, change its user data and start ' +
    "it again runs code on it and can take the instance role's credentials: a privilege escalation that needs " +
    'no SSH access. With immutable images, user data rarely changes after launch. A refused attempt counts at ' +
    'medium severity.',
  severity: 'high',
  mitre: ['T1059.009', 'T1098'],
  tactics: ['execution', 'privilege-escalation'],
  failedCalls: 'counted',
  panther: { rules: ['AWS.EC2.Startup.Script.Change'] },
  stratus: ['aws.execution.ec2-user-data'],
  runbook: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html',
  remediation:
    'Read the new user data (`aws ec2 describe-instance-attribute --instance-id <id> --attribute userData`, ' +
    'base64-decode it) and compare it with the launch template. If it was not planned: stop the instance, restore ' +
    'the expected user data (EC2 console → Instance → Actions → Instance settings → Edit user data), treat the ' +
    "instance role's credentials as exposed (revoke its sessions), and allow ec2:ModifyInstanceAttribute only " +
    'to the provisioning role.',
  actions: ['ec2:ModifyInstanceAttribute'],
  match: (event) => {
    if (!setsUserData(event)) return null;
    const instances = requestedInstanceIds(event);
    const label = instances.join(', ') || 'an instance';
    const who = actor(event);
    return {
      key: `${event.account}:${label}`,
      title: `User data of ${label} modified by ${who}`,
      description:
        `${who} replaced the user data of ${label} in ${event.region ?? 'an unknown region'}. The new script ` +
        'runs as root at the next start of the instance.',
      severity: succeeded(event) ? 'high' : 'medium',
      resources: instances.map((id) => ({ type: 'AWS::EC2::Instance', id, account: event.account })),
      context: { instanceIds: instances.join(',') },
    };
  },
});

import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'ec2-serial-console-access-enabled',
  title: 'EC2 serial console access enabled',
  description:
    'Serial console access was enabled for the account in a region (EnableSerialConsoleAccess). It is off by ' +
    'default and is the prerequisite for out-of-band console logins to every instance of the region, past ' +
    'security groups and network ACLs. Expect it only during an incident, and turn it off afterwards.',
  severity: 'medium',
  mitre: ['T1021', 'T1562'],
  tactics: ['lateral-movement', 'defense-evasion'],
  failedCalls: 'ignored',
  runbook: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configure-access-to-serial-console.html',
  remediation:
    'If no break-glass work needs it, disable it again (`aws ec2 disable-serial-console-access --region ' +
    '<region>`, or EC2 console → Settings → EC2 Serial Console → Manage), and deny ec2:EnableSerialConsoleAccess ' +
    'with an SCP outside a break-glass role.',
  actions: ['ec2:EnableSerialConsoleAccess'],
  match: (event) => {
    const who = actor(event);
    const region = event.region ?? 'an unknown region';
    return {
      key: `${event.account}:${region}`,
      title: `Serial console access enabled in ${region} by ${who}`,
      description: `${who} enabled EC2 serial console access for account ${event.account ?? 'unknown'} in ${region}.`,
      resources: [],
      context: {},
    };
  },
});

import { principalLabel } from '../../../finding.js';
import { cloudTrailBurst, listed, refusedCount } from '../burst.js';
import { request, text } from '../record.js';

export const detection = cloudTrailBurst({
  id: 'ec2-password-data-read',
  title: 'EC2 Windows password data retrieved or probed',
  description:
    "GetPasswordData returns a Windows instance's encrypted Administrator password; with the launch key pair it " +
    'gives an RDP login. Few people ever need it, so every call is reported: a successful read low, a refused ' +
    'one medium (someone is trying without the right), and calls for 5 or more instances by one principal within ' +
    '10 minutes high (harvesting passwords across the fleet). Refused calls count. One finding per principal and ' +
    'hour, with a count.',
  severity: 'high',
  mitre: ['T1552', 'T1555'],
  tactics: ['credential-access'],
  failedCalls: 'counted',
  panther: { rules: ['AWS.EC2.ManyPasswordReadAttempts'] },
  stratus: ['aws.credential-access.ec2-get-password-data'],
  runbook: 'https://docs.aws.amazon.com/AWSEC2/latest/WindowsGuide/connecting_to_windows_instance.html',
  remediation:
    'Ask the owner of the principal whether it needed the passwords. If not: revoke its sessions or keys, change ' +
    'the local Administrator password of each instance named (Systems Manager → Run Command → ' +
    'AWS-RunPowerShellScript with `net user Administrator <new password>`), and deny ec2:GetPasswordData in its ' +
    'policies; prefer Fleet Manager or Session Manager to RDP passwords.',
  actions: ['ec2:GetPasswordData'],
  key: (event) => principalLabel(event),
  distinct: (event) => text(request(event, 'instanceId')),
  alone: () => true,
  atLeast: 5,
  windowMinutes: 10,
  slim: true,
  finding: (burst) => {
    const who = burst.key;
    const refused = refusedCount(burst);
    const instances = listed(burst.values);
    const context = { instanceIds: burst.values.join(','), refused: String(refused) };
    if (burst.reached) {
      return {
        title: `Windows password data requested for ${burst.values.length} EC2 instances by ${who} within ${burst.windowMinutes} minutes`,
        description: `${who} called GetPasswordData for ${instances}${refused > 0 ? `; ${refused} calls were refused` : ''}.`,
        context,
      };
    }
    return refused > 0
      ? {
          title: `Windows password data request refused for ${who} (${instances})`,
          description: `${who} asked for the Administrator password of ${instances} and AWS refused ${refused} time(s).`,
          severity: 'medium',
          context,
        }
      : {
          title: `Windows password data retrieved by ${who} (${instances})`,
          description: `${who} retrieved the encrypted Administrator password of ${instances}.`,
          severity: 'low',
          context,
        };
  },
});

import type { SecurityEvent } from '../../../../schemas/types.js';
import { principalLabel } from '../../../finding.js';
import { cloudTrailBurst, listed, refusedCount } from '../burst.js';
import { request, succeeded, text } from '../record.js';

export const detection = cloudTrailBurst({
  id: 'ec2-user-data-read-burst',
  title: 'Burst of EC2 user data downloads, or a refused download',
  description:
    'One principal downloaded the user data (the boot script) of 5 or more EC2 instances within 10 minutes ' +
    '(DescribeInstanceAttribute attribute=userData), or tried and was refused. User data often carries ' +
    'passwords, tokens and the layout of the deployment; tools like Pacu download it from every instance. ' +
    'Refused downloads count (medium on their own); a burst is high. Other attributes are left out.',
  severity: 'high',
  mitre: ['T1552.005', 'T1580'],
  tactics: ['discovery', 'credential-access'],
  failedCalls: 'counted',
  stratus: ['aws.discovery.ec2-download-user-data'],
  runbook: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html',
  remediation:
    'Ask the owner of the principal whether it needed the user data. If not: revoke its sessions or keys, rotate ' +
    "every secret found in the instances' user data (EC2 console → Instance → Actions → Instance settings → Edit " +
    'user data), move secrets to Secrets Manager or SSM Parameter Store, and deny ec2:DescribeInstanceAttribute ' +
    'to principals that do not manage instances.',
  actions: ['ec2:DescribeInstanceAttribute'],
  include: readsUserData,
  key: (event) => principalLabel(event),
  distinct: (event) => text(request(event, 'instanceId')),
  alone: (event) => !succeeded(event),
  atLeast: 5,
  windowMinutes: 10,
  slim: true,
  finding: (burst) => {
    const who = burst.key;
    const refused = refusedCount(burst);
    const instances = listed(burst.values);
    const context = { instanceIds: burst.values.join(','), refused: String(refused) };
    return burst.reached
      ? {
          title: `User data of ${burst.values.length} EC2 instances downloaded by ${who} within ${burst.windowMinutes} minutes`,
          description: `${who} read the user data of ${instances}${refused > 0 ? ` (${refused} calls refused)` : ''}.`,
          context,
        }
      : {
          title: `EC2 user data download refused for ${who} (${instances})`,
          description: `${who} tried to read the user data of ${instances} and AWS refused: someone is looking for secrets in boot scripts.`,
          severity: 'medium',
          context,
        };
  },
});

function readsUserData(event: SecurityEvent): boolean {
  return text(request(event, 'attribute')) === 'userData';
}

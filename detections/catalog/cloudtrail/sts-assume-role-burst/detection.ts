import { principalLabel } from '../../../finding.js';
import { cloudTrailBurst, listed, refusedCount } from '../burst.js';
import { isAwsServiceCall } from '../caller.js';
import { request, text } from '../record.js';

export const detection = cloudTrailBurst({
  id: 'sts-assume-role-burst',
  title: 'One identity assuming many different roles',
  description:
    'One user or role session assumed, or tried to assume, 5 or more different roles within 10 minutes. ' +
    'Stolen credentials are used to walk the trust graph: try every role name in every account and keep the ' +
    'ones that work (refused attempts count). Deployment pipelines that assume a role per account do this too: ' +
    'allow-list them. AWS services assuming roles are left out.',
  severity: 'medium',
  mitre: ['T1078.004', 'T1550.001'],
  tactics: ['lateral-movement', 'privilege-escalation'],
  failedCalls: 'counted',
  runbook: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use.html',
  remediation:
    'Ask the owner of the identity whether it is a pipeline that deploys across accounts (then add it to the ' +
    'allowList for this detection). If not: revoke its sessions or keys, review what it did with the roles it ' +
    'obtained (CloudTrail, by the assumed-role session names), and tighten the trust policies of the roles it ' +
    'reached.',
  actions: ['sts:AssumeRole'],
  include: (event) => !isAwsServiceCall(event),
  key: (event) => principalLabel(event),
  distinct: (event) => text(request(event, 'roleArn')),
  atLeast: 5,
  windowMinutes: 10,
  slim: true,
  finding: (burst) => {
    const refused = refusedCount(burst);
    const roles = listed(burst.values);
    return {
      title: `${burst.values.length} roles assumed by ${burst.key} within ${burst.windowMinutes} minutes`,
      description: `${burst.key} assumed ${roles}${refused > 0 ? ` (${refused} attempts refused)` : ''}.`,
      context: { roles: burst.values.join(','), refused: String(refused) },
    };
  },
});

import { principalLabel } from '../../../finding.js';
import { globMatcher } from '../glob.js';
import { field, request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

const CREATED: Record<string, { kind: string; type: string; name: string }> = {
  'iam:CreateUser': { kind: 'user', type: 'AWS::IAM::User', name: 'userName' },
  'iam:CreateRole': { kind: 'role', type: 'AWS::IAM::Role', name: 'roleName' },
  'iam:CreateGroup': { kind: 'group', type: 'AWS::IAM::Group', name: 'groupName' },
  'iam:CreatePolicy': { kind: 'policy', type: 'AWS::IAM::ManagedPolicy', name: 'policyName' },
};

export const detection = cloudTrailRule({
  id: 'iam-entity-created-manually',
  title: 'IAM user, role, group or policy created outside infrastructure as code',
  description:
    'An IAM identity or managed policy was created by hand rather than by CloudFormation or a pipeline the ' +
    '`iacPrincipals` param names (principal or role ARN globs, e.g. your Terraform role). Entities made by hand ' +
    'escape review and drift detection, and attackers create them outside the pipeline. Low: an inventory that ' +
    'explains the sharper findings (admin grants, external trusts).',
  severity: 'low',
  mitre: ['T1136.003'],
  tactics: ['persistence'],
  failedCalls: 'ignored',
  panther: { rules: ['AWS.CloudTrail.IAMEntityCreatedWithoutCloudFormation', 'AWS.IAM.CreateRole'] },
  stratus: ['aws.persistence.iam-create-backdoor-role', 'aws.persistence.iam-create-admin-user'],
  runbook: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html',
  remediation:
    'Ask the creator why it was made by hand. Import it into your IaC (CloudFormation resource import, ' +
    '`terraform import`) or delete it (IAM console → <entity> → Delete), and restrict iam:Create* to the ' +
    'deployment roles with an SCP.',
  actions: Object.keys(CREATED),
  settings: (read) => ({ iacPrincipals: globMatcher(read.strings('iacPrincipals', [])) }),
  match: (event, settings) => {
    const created = CREATED[event.action];
    if (!created) return null;
    if (text(field(event, 'userIdentity', 'invokedBy')) === 'cloudformation.amazonaws.com') return null;
    const caller = [principalLabel(event), event.principal?.sessionIssuer].filter(
      (p) => p !== null && p !== undefined,
    );
    if (caller.some((arn) => settings.iacPrincipals.test(arn as string))) return null;
    const name = text(request(event, created.name)) ?? 'unknown';
    const who = actor(event);
    return {
      key: `${event.account}:${created.kind}/${name}`,
      title: `IAM ${created.kind} ${name} created by hand by ${who}`,
      description: `${who} created IAM ${created.kind} ${name} outside CloudFormation and the configured pipelines.`,
      resources: [{ type: created.type, id: name, account: event.account }],
      context: { kind: created.kind, name },
    };
  },
});

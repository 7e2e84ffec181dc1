import { isAdminPolicyArn, isAdminPolicyDocument } from '../admin-grant.js';
import { globMatcher } from '../glob.js';
import { lastPathSegment } from '../instance-launch.js';
import { request, text } from '../record.js';
import { actor, cloudTrailRule, type RuleMatch } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'sso-permission-set-admin-granted',
  title: 'IAM Identity Center permission set given administrator access, or assigned',
  description:
    'An IAM Identity Center permission set was given administrator rights (AdministratorAccess or IAMFullAccess ' +
    'attached, or an inline policy allowing every action on every resource), or a permission set the ' +
    '`adminPermissionSets` param names was assigned to a user or group in an account. A permission set is ' +
    'provisioned as a role in every account it is assigned to, so one change grants administrator access ' +
    'across the organization.',
  severity: 'high',
  mitre: ['T1098.003', 'T1484'],
  tactics: ['privilege-escalation', 'persistence'],
  failedCalls: 'ignored',
  runbook: 'https://docs.aws.amazon.com/singlesignon/latest/userguide/permissionsetsconcept.html',
  remediation:
    'Confirm the grant with the Identity Center administrators. If unexpected: detach the policy or delete the ' +
    'inline policy (`aws sso-admin detach-managed-policy-from-permission-set` / `aws sso-admin ' +
    'delete-inline-policy-from-permission-set`, IAM Identity Center console → Permission sets → <set>), delete ' +
    'the account assignment (`aws sso-admin delete-account-assignment`), reprovision the permission set, and ' +
    'review what the assigned users did.',
  actions: [
    'sso:AttachManagedPolicyToPermissionSet',
    'sso:PutInlinePolicyToPermissionSet',
    'sso:CreateAccountAssignment',
  ],
  settings: (read) => ({
    adminPolicies: globMatcher(read.strings('adminPolicies', [])),
    adminPermissionSets: globMatcher(read.strings('adminPermissionSets', [])),
  }),
  match: (event, settings): RuleMatch | null => {
    const permissionSet = text(request(event, 'permissionSetArn')) ?? 'unknown';
    const setName = lastPathSegment(permissionSet);
    const who = actor(event);
    const resources = [{ type: 'AWS::SSO::PermissionSet', id: permissionSet, account: event.account }];
    if (event.action === 'sso:CreateAccountAssignment') {
      if (!settings.adminPermissionSets.test(permissionSet)) return null;
      const principal = `${text(request(event, 'principalType')) ?? 'principal'} ${text(request(event, 'principalId')) ?? 'unknown'}`;
      const target = text(request(event, 'targetId')) ?? 'unknown';
      return {
        key: `${permissionSet}:${target}:${principal}`,
        title: `Administrator permission set ${setName} assigned to ${principal} in account ${target} by ${who}`,
        description: `${who} assigned ${permissionSet} to ${principal} in account ${target}.`,
        resources,
        context: { permissionSetArn: permissionSet, targetAccount: target, principal },
      };
    }
    const managed = text(request(event, 'managedPolicyArn'));
    const admin =
      managed !== null
        ? isAdminPolicyArn(managed, settings.adminPolicies)
        : isAdminPolicyDocument(text(request(event, 'inlinePolicy')));
    if (!admin) return null;
    const grant = managed ?? 'an inline policy allowing everything';
    return {
      key: `${permissionSet}:${grant}`,
      title: `Permission set ${setName} given ${managed ? lastPathSegment(managed) : 'an admin inline policy'} by ${who}`,
      description: `${who} gave permission set ${permissionSet} ${grant}; everyone assigned to it becomes an administrator.`,
      resources,
      context: { permissionSetArn: permissionSet, policy: grant },
    };
  },
});

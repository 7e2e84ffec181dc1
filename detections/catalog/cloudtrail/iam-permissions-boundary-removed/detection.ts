import { isAdminPolicyArn } from '../admin-grant.js';
import { globMatcher } from '../glob.js';
import { request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'iam-permissions-boundary-removed',
  title: 'IAM permissions boundary removed or made ineffective',
  description:
    'The permissions boundary of a user or role was deleted, or replaced by an administrator policy (which ' +
    'bounds nothing). Boundaries cap what delegated administrators and their identities can do; lifting one ' +
    'gives the identity every right its policies already name: a quiet escalation that no attach call shows.',
  severity: 'medium',
  mitre: ['T1548', 'T1098'],
  tactics: ['privilege-escalation', 'defense-evasion'],
  failedCalls: 'ignored',
  runbook: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html',
  remediation:
    'Confirm with the owner of the identity. If not approved: put the boundary back (`aws iam ' +
    'put-<user|role>-permissions-boundary --<user|role>-name <name> --permissions-boundary <arn>`; IAM console → ' +
    '<identity> → Permissions boundary → Set), and deny iam:Delete*PermissionsBoundary to delegated admins.',
  actions: [
    'iam:DeleteUserPermissionsBoundary',
    'iam:DeleteRolePermissionsBoundary',
    'iam:PutUserPermissionsBoundary',
    'iam:PutRolePermissionsBoundary',
  ],
  settings: (read) => ({ adminPolicies: globMatcher(read.strings('adminPolicies', [])) }),
  match: (event, settings) => {
    const role = event.action.includes('Role');
    const name = text(request(event, role ? 'roleName' : 'userName')) ?? 'unknown';
    const boundary = text(request(event, 'permissionsBoundary'));
    const deleted = event.action.startsWith('iam:Delete');
    if (!deleted && (boundary === null || !isAdminPolicyArn(boundary, settings.adminPolicies))) return null;
    const who = actor(event);
    const kind = role ? 'role' : 'user';
    return {
      key: `${event.account}:${kind}/${name}`,
      title: `Permissions boundary of IAM ${kind} ${name} ${deleted ? 'removed' : `replaced by ${boundary}`} by ${who}`,
      description: `${who} ${deleted ? 'removed the permissions boundary of' : `set ${boundary} as the boundary of`} IAM ${kind} ${name}.`,
      resources: [{ type: role ? 'AWS::IAM::Role' : 'AWS::IAM::User', id: name, account: event.account }],
      context: { kind, name, boundary: boundary ?? '' },
    };
  },
});

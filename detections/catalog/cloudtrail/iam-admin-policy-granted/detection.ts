import { isAdminPolicyArn, isAdminPolicyDocument } from '../admin-grant.js';
import { globMatcher } from '../glob.js';
import { lastPathSegment } from '../instance-launch.js';
import { request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

/** The identity kind each call grants to, and the request field that names it. */
const GRANTEES: Record<string, { kind: 'user' | 'role' | 'group'; inline: boolean }> = {
  'iam:AttachUserPolicy': { kind: 'user', inline: false },
  'iam:AttachRolePolicy': { kind: 'role', inline: false },
  'iam:AttachGroupPolicy': { kind: 'group', inline: false },
  'iam:PutUserPolicy': { kind: 'user', inline: true },
  'iam:PutRolePolicy': { kind: 'role', inline: true },
  'iam:PutGroupPolicy': { kind: 'group', inline: true },
};

const RESOURCE_TYPES = { user: 'AWS::IAM::User', role: 'AWS::IAM::Role', group: 'AWS::IAM::Group' };

export const detection = cloudTrailRule({
  id: 'iam-admin-policy-granted',
  title: 'Administrator policy granted to an IAM user, role or group',
  description:
    'AdministratorAccess or IAMFullAccess (with which the holder can make itself administrator) was attached to ' +
    'a user, role or group, or an inline policy allowing every action on every resource was put on one. ' +
    'Customer policies the `adminPolicies` param names (ARN globs) count too. Granting administrator rights is ' +
    'the shortest privilege escalation and how backdoor users and roles are made.',
  severity: 'high',
  mitre: ['T1098.003', 'T1098'],
  tactics: ['privilege-escalation', 'persistence'],
  failedCalls: 'ignored',
  panther: { rules: ['AWS.IAM.AttachAdminUserPolicy', 'AWS.IAM.AttachAdminRolePolicy'] },
  stratus: ['aws.persistence.iam-create-admin-user', 'aws.persistence.iam-create-backdoor-role'],
  runbook: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_manage-attach-detach.html',
  remediation:
    'Confirm the grant with the person who made it. If it is not approved: remove it (`aws iam ' +
    'detach-<user|role|group>-policy --<user|role|group>-name <name> --policy-arn <arn>` or `aws iam ' +
    'delete-<user|role|group>-policy ... --policy-name <name>`; IAM console → <identity> → Permissions → Remove), ' +
    'revoke active sessions of a role, and review what the identity did since the grant.',
  actions: Object.keys(GRANTEES),
  settings: (read) => ({ adminPolicies: globMatcher(read.strings('adminPolicies', [])) }),
  match: (event, settings) => {
    const grantee = GRANTEES[event.action];
    if (!grantee) return null;
    const name = text(request(event, `${grantee.kind}Name`)) ?? 'unknown';
    const policy = grantee.inline ? text(request(event, 'policyName')) : text(request(event, 'policyArn'));
    const admin = grantee.inline
      ? isAdminPolicyDocument(text(request(event, 'policyDocument')))
      : policy !== null && isAdminPolicyArn(policy, settings.adminPolicies);
    if (!admin) return null;
    const label = grantee.inline
      ? `inline policy ${policy ?? 'unknown'} (allows everything)`
      : lastPathSegment(policy ?? '');
    const who = actor(event);
    return {
      key: `${event.account}:${grantee.kind}/${name}:${policy}`,
      title: `${label} granted to IAM ${grantee.kind} ${name} by ${who}`,
      description: `${who} gave IAM ${grantee.kind} ${name} administrator rights through ${label}.`,
      resources: [{ type: RESOURCE_TYPES[grantee.kind], id: name, account: event.account }],
      context: { grantee: grantee.kind, name, policy: policy ?? '', inline: String(grantee.inline) },
    };
  },
});

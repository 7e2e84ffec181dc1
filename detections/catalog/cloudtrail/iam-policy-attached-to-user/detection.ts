import { isAdminPolicyArn, isAdminPolicyDocument } from '../admin-grant.js';
import { globMatcher } from '../glob.js';
import { request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

/** AWS's own quarantine of a leaked key: reported by iam-access-key-quarantined-by-aws. */
const QUARANTINE_POLICY = /AWSCompromisedKeyQuarantine/;

export const detection = cloudTrailRule({
  id: 'iam-policy-attached-to-user',
  title: 'Policy attached directly to an IAM user',
  description:
    'A managed policy was attached to, or an inline policy put on, an IAM user. Permissions granted to ' +
    'individual users escape group-based review and pile up unnoticed. Administrator grants (AdministratorAccess, ' +
    'IAMFullAccess, Allow * on *) are reported by iam-admin-policy-granted instead, and AWS quarantining a leaked ' +
    'key by iam-access-key-quarantined-by-aws.',
  severity: 'medium',
  mitre: ['T1098', 'T1098.003'],
  tactics: ['privilege-escalation', 'persistence'],
  failedCalls: 'ignored',
  runbook: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_manage-attach-detach.html',
  remediation:
    'Confirm the grant with the person who made it. Remove it with `aws iam detach-user-policy --user-name ' +
    '<user> --policy-arn <arn>` or `aws iam delete-user-policy --user-name <user> --policy-name <name>` (IAM ' +
    'console → Users → <user> → Permissions → Remove) and grant permissions through groups or roles instead.',
  actions: ['iam:AttachUserPolicy', 'iam:PutUserPolicy'],
  settings: (read) => ({ adminPolicies: globMatcher(read.strings('adminPolicies', [])) }),
  match: (event, settings) => {
    const userName = text(request(event, 'userName')) ?? 'unknown';
    const managed = event.action === 'iam:AttachUserPolicy';
    const policy =
      (managed ? text(request(event, 'policyArn')) : text(request(event, 'policyName'))) ?? 'unknown';
    const admin = managed
      ? isAdminPolicyArn(policy, settings.adminPolicies)
      : isAdminPolicyDocument(text(request(event, 'policyDocument')));
    if (admin || QUARANTINE_POLICY.test(policy)) return null;
    const kind = managed ? 'managed' : 'inline';
    const who = actor(event);
    return {
      key: `${event.account}:${userName}:${policy}`,
      title: `${kind === 'managed' ? 'Managed' : 'Inline'} policy ${policy} attached to IAM user ${userName} by ${who}`,
      description: `${who} gave IAM user ${userName} the ${kind} policy ${policy}. Grant permissions through groups or roles.`,
      resources: [{ type: 'AWS::IAM::User', id: userName, account: event.account }],
      context: { userName, policy, kind },
    };
  },
});

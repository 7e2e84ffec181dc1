import { filter, map } from 'rxjs';
import type { SecurityEvent } from '../../../../schemas/types.js';
import type { Detection } from '../../../api.js';
import { buildFinding, principalLabel } from '../../../finding.js';
import { allowsEverything } from '../policy-document.js';
import { request, succeeded, text } from '../record.js';

const ADMIN_POLICY = /:policy\/AdministratorAccess$/;

export const detection: Detection = {
  id: 'iam-policy-attached-to-user',
  title: 'Policy attached directly to an IAM user',
  description:
    'A managed policy was attached to, or an inline policy put on, an IAM user. Permissions granted to ' +
    'individual users escape group-based review and are a common way to escalate privileges; an ' +
    'administrator policy (AdministratorAccess, or Allow * on *) raises the finding to high.',
  severity: 'medium',
  mitre: ['T1098', 'T1098.003'],
  tactics: ['privilege-escalation', 'persistence'],
  failedCalls: 'ignored',
  runbook: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_manage-attach-detach.html',
  remediation:
    'Confirm the grant with the person who made it. Remove it with `aws iam detach-user-policy --user-name ' +
    '<user> --policy-arn <arn>` or `aws iam delete-user-policy --user-name <user> --policy-name <name>` (IAM ' +
    'console → Users → <user> → Permissions → Remove) and grant permissions through groups or roles instead.',
  routes: [{ source: 'cloudtrail', actions: ['iam:AttachUserPolicy', 'iam:PutUserPolicy'] }],
  operator: () => (events) => events.pipe(filter(succeeded), map(toFinding)),
};

function toFinding(event: SecurityEvent) {
  const userName = text(request(event, 'userName')) ?? 'unknown';
  const managed = event.action === 'iam:AttachUserPolicy';
  const policy =
    (managed ? text(request(event, 'policyArn')) : text(request(event, 'policyName'))) ?? 'unknown';
  const document = text(request(event, 'policyDocument'));
  const admin = managed ? ADMIN_POLICY.test(policy) : document !== null && allowsEverything(document);
  const kind = managed ? 'managed' : 'inline';
  const who = principalLabel(event) ?? 'an unknown principal';
  return buildFinding(detection, {
    key: `${event.account}:${userName}:${policy}`,
    trigger: event,
    severity: admin ? 'high' : 'medium',
    title: `${admin ? 'Administrator ' : ''}${kind} policy ${policy} attached to IAM user ${userName} by ${who}`,
    description:
      `${who} gave IAM user ${userName} the ${kind} policy ${policy}` +
      `${admin ? ', which allows every action on every resource' : ''}. Grant permissions through groups or roles.`,
    resources: [{ type: 'AWS::IAM::User', id: userName, account: event.account }],
    context: { userName, policy, kind, admin: String(admin), sourceIp: event.srcIp ?? '' },
  });
}

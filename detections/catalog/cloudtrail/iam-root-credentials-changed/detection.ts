import type { SecurityEvent } from '../../../../schemas/types.js';
import { targetUserName } from '../iam-target-user.js';
import { response, text } from '../record.js';
import { cloudTrailRule, sourceAddress } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'iam-root-credentials-changed',
  title: 'Root user credentials created or changed',
  description:
    'The root user created an access key for itself (critical: root keys cannot be limited by any policy and ' +
    'AWS advises never to have one) or its console password was changed (high). Either gives lasting, ' +
    'unrestricted access to whoever holds the new credential. Root creating keys for an IAM user is not reported ' +
    'here (see iam-access-key-created-for-another-user).',
  severity: 'critical',
  mitre: ['T1098.001', 'T1078.004'],
  tactics: ['persistence', 'privilege-escalation'],
  failedCalls: 'ignored',
  panther: { rules: ['AWS.CloudTrail.RootAccessKeyCreated', 'AWS.CloudTrail.RootPasswordChanged'] },
  runbook: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-best-practices.html',
  remediation:
    'Confirm with the account owner. Delete any root access key (signed in as root: IAM console → Security ' +
    'credentials → Access keys → Delete; for member accounts, centralized root access: `aws sts assume-root ' +
    '--task-policy-arn arn=arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials ...`, then `aws iam ' +
    'delete-access-key` / `aws iam delete-login-profile`), reset the root password, check the root email ' +
    'mailbox and MFA device, and review root activity in CloudTrail.',
  actions: ['iam:CreateAccessKey', 'signin:PasswordUpdated'],
  match: (event) => {
    if (event.principal?.type !== 'Root') return null;
    const account = event.account ?? 'unknown';
    if (event.action === 'iam:CreateAccessKey') {
      if (targetUserName(event) !== null) return null;
      const keyId = text(response(event, 'accessKey', 'accessKeyId')) ?? 'unknown';
      return rootChange(event, {
        title: `Root access key ${keyId} created in account ${account}`,
        description: `The root user of ${account} created access key ${keyId} for itself from ${sourceAddress(event)}.`,
        context: { change: 'access-key-created', accessKeyId: keyId },
      });
    }
    // Sign-in events report a failure in the response, not in errorCode.
    if (response(event, 'PasswordUpdated') === 'Failure') return null;
    return rootChange(event, {
      title: `Root password changed in account ${account}`,
      description: `The root user's console password of ${account} was changed from ${sourceAddress(event)}.`,
      severity: 'high',
      context: { change: 'password-changed' },
    });
  },
});

function rootChange(
  event: SecurityEvent,
  change: { title: string; description: string; severity?: 'high'; context: Record<string, string> },
) {
  const account = event.account ?? 'unknown';
  return {
    key: `${account}:${change.context.change}`,
    ...change,
    resources: [{ type: 'AWS::IAM::Root', id: `arn:aws:iam::${account}:root`, account: event.account }],
  };
}

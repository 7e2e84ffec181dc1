import { actsOnOwnUser, targetUserName } from '../iam-target-user.js';
import { response, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'iam-access-key-created-for-another-user',
  title: 'Access key created for another IAM user',
  description:
    'A principal created an access key (or a service-specific credential, e.g. for CodeCommit) for an IAM user ' +
    'other than itself. Users normally create their own keys; a key made for someone else is the classic ' +
    "backdoor: it keeps working after the intruder's own credentials are revoked, and its activity is logged under " +
    "the other user. Self-service keys (no user named, or the caller's own name) are left out; root creating " +
    'its own key is iam-root-credentials-changed.',
  severity: 'high',
  mitre: ['T1098.001'],
  tactics: ['persistence', 'privilege-escalation'],
  failedCalls: 'ignored',
  panther: { rules: ['AWS.IAM.Backdoor.User.Keys'] },
  stratus: ['aws.persistence.iam-backdoor-user', 'aws.persistence.iam-create-admin-user'],
  runbook: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html',
  remediation:
    'Ask the user and the creator whether the key was requested. If not: deactivate and delete it (`aws iam ' +
    'update-access-key --user-name <user> --access-key-id <key> --status Inactive`, then `aws iam ' +
    'delete-access-key ...`; IAM console → Users → <user> → Security credentials), review what the key did in ' +
    "CloudTrail (filter on its access key id), and investigate the creator's credentials.",
  actions: ['iam:CreateAccessKey', 'iam:CreateServiceSpecificCredential'],
  match: (event) => {
    if (actsOnOwnUser(event)) return null;
    const user = targetUserName(event) ?? 'unknown';
    const keyId =
      text(response(event, 'accessKey', 'accessKeyId')) ??
      text(response(event, 'serviceSpecificCredential', 'serviceSpecificCredentialId')) ??
      '';
    const service = text(response(event, 'serviceSpecificCredential', 'serviceName'));
    const kind = event.action === 'iam:CreateAccessKey' ? 'Access key' : `${service ?? 'Service'} credential`;
    const who = actor(event);
    return {
      key: `${event.account}:${user}:${keyId}`,
      title: `${kind}${keyId ? ` ${keyId}` : ''} created for IAM user ${user} by ${who}`,
      description: `${who} created long-lived credentials for ${user}, another identity than its own.`,
      resources: [{ type: 'AWS::IAM::User', id: user, account: event.account }],
      context: { userName: user, accessKeyId: keyId },
    };
  },
});

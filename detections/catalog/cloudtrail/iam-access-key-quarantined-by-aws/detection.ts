import { request, text } from '../record.js';
import { cloudTrailRule } from '../rule.js';

const QUARANTINE_POLICY = /AWSCompromisedKeyQuarantine/;

export const detection = cloudTrailRule({
  id: 'iam-access-key-quarantined-by-aws',
  title: 'AWS quarantined an IAM user whose access key leaked',
  description:
    "AWS attached its AWSCompromisedKeyQuarantine policy to an IAM user: it found the user's access key in a " +
    'public place (a GitHub repository, a paste) and denies the riskiest actions with it. The key is public, ' +
    'anyone may already have used it, and the quarantine does not block everything.',
  severity: 'high',
  mitre: ['T1552.001', 'T1078.004'],
  tactics: ['credential-access', 'initial-access'],
  failedCalls: 'ignored',
  panther: { rules: ['AWS.IAM.AccessKeyCompromised', 'AWS.CloudTrail.IAMCompromisedKeyQuarantine'] },
  runbook: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html',
  remediation:
    'Follow the AWS support case opened for it: deactivate and delete the exposed key (`aws iam ' +
    'update-access-key --status Inactive`, then `aws iam delete-access-key`), remove it from where it was ' +
    'published, review everything the key did in CloudTrail (resources created, other credentials made), and ' +
    'only then detach the quarantine policy.',
  actions: ['iam:PutUserPolicy', 'iam:AttachUserPolicy'],
  match: (event) => {
    const policy = text(request(event, 'policyName')) ?? text(request(event, 'policyArn'));
    if (policy === null || !QUARANTINE_POLICY.test(policy)) return null;
    const user = text(request(event, 'userName')) ?? 'unknown';
    return {
      key: `${event.account}:${user}`,
      title: `Access key of IAM user ${user} leaked: AWS attached ${policy.slice(policy.lastIndexOf('/') + 1)}`,
      description: `AWS quarantined ${user} in account ${event.account ?? 'unknown'} after finding its access key exposed.`,
      resources: [{ type: 'AWS::IAM::User', id: user, account: event.account }],
      context: { userName: user, policy },
    };
  },
});

import { request, response, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'iam-user-created',
  title: 'IAM user created',
  description:
    'A new IAM user was created. IAM users carry long-lived passwords and access keys; teams that use roles ' +
    'and IAM Identity Center rarely need new ones, and attackers create them to keep access after the ' +
    'credentials they stole are revoked.',
  severity: 'medium',
  mitre: ['T1136.003'],
  tactics: ['persistence'],
  failedCalls: 'ignored',
  panther: { rules: ['AWS.IAM.CreateUser'] },
  stratus: ['aws.persistence.iam-create-admin-user'],
  runbook: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html',
  remediation:
    'Confirm with the creator that the user is needed. If not: remove its credentials and delete it ' +
    '(`aws iam delete-login-profile`, `aws iam delete-access-key`, detach its policies, then `aws iam ' +
    'delete-user --user-name <user>`, or IAM console → Users → Delete); prefer roles or IAM Identity Center users.',
  actions: ['iam:CreateUser'],
  match: (event) => {
    const userName =
      text(request(event, 'userName')) ?? text(response(event, 'user', 'userName')) ?? 'unknown';
    const userArn = text(response(event, 'user', 'arn'));
    const who = actor(event);
    return {
      key: `${event.account}:${userName}`,
      title: `IAM user ${userName} created by ${who}`,
      description: `${who} created IAM user ${userName} in account ${event.account ?? 'unknown'}. Check that it is expected and owned.`,
      resources: [{ type: 'AWS::IAM::User', id: userArn ?? userName, account: event.account }],
      context: { userName, path: text(request(event, 'path')) ?? '/' },
    };
  },
});

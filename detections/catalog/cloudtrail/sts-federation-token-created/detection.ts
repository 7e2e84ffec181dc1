import { isAdminPolicyDocument } from '../admin-grant.js';
import { request, response, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'sts-federation-token-created',
  title: 'Federation token issued to an IAM user',
  description:
    "GetFederationToken turned an IAM user's long-term key into temporary federated-user credentials (up to 36 " +
    'hours). The session outlives the key: deactivating or deleting the key does not end it, which makes it an ' +
    "attacker's way to keep access after a leaked key is rotated (and the way tools like aws_consoler open a " +
    'console session from a key). Few workloads still use it; a session policy allowing everything is high.',
  severity: 'medium',
  mitre: ['T1550.001', 'T1098.001'],
  tactics: ['persistence', 'defense-evasion'],
  failedCalls: 'ignored',
  stratus: ['aws.persistence.sts-federation-token'],
  runbook:
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_disable-perms.html',
  remediation:
    'Ask the owner of the user whether it issues federation tokens. If not: end the federated sessions by ' +
    'attaching to the user an inline policy that denies "*" when `aws:TokenIssueTime` is before now (`aws iam ' +
    'put-user-policy --user-name <user> ...`; deleting the key alone does not end them), then delete the ' +
    "user's access key and review the federated user's activity in CloudTrail.",
  actions: ['sts:GetFederationToken'],
  match: (event) => {
    const name = text(request(event, 'name')) ?? 'unknown';
    const federated = text(response(event, 'federatedUser', 'arn')) ?? name;
    const admin = isAdminPolicyDocument(text(request(event, 'policy')));
    const who = actor(event);
    return {
      key: `${event.account}:${who}:${name}`,
      title: `Federation token ${name} issued to ${who}${admin ? ' with an allow-everything session policy' : ''}`,
      description:
        `${who} got temporary credentials for federated user ${federated}` +
        `${admin ? ' with a session policy allowing every action on every resource' : ''}; they stay valid after the user's key is disabled.`,
      severity: admin ? 'high' : 'medium',
      resources: [{ type: 'AWS::STS::FederatedUser', id: federated, account: event.account }],
      context: { federatedUser: federated, sessionPolicyAllowsAll: String(admin) },
    };
  },
});

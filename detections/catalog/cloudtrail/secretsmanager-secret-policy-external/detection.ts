import { outsidePrincipals } from '../policy-document.js';
import { request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'secretsmanager-secret-policy-external',
  title: 'Secrets Manager secret shared outside the account',
  description:
    "A secret's resource policy was set to allow a principal of another AWS account (high) or anyone (`*`, " +
    'critical). The other account can then read the secret with its own credentials, out of reach of this ' +
    "account's logs and key rotation: a quiet way to keep access to a credential. Accounts listed in the " +
    "`trustedAccounts` param (your organization's) are not outside.",
  severity: 'high',
  mitre: ['T1098', 'T1555.006'],
  tactics: ['persistence', 'credential-access'],
  failedCalls: 'ignored',
  runbook:
    'https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_resource-policies.html',
  remediation:
    'If the sharing is not intended: remove the statement (`aws secretsmanager delete-resource-policy --secret-id ' +
    '<id>`, or Secrets Manager console → <secret> → Resource permissions → Edit), rotate the secret ' +
    '(`aws secretsmanager rotate-secret --secret-id <id>`), and keep BlockPublicPolicy on when putting policies.',
  actions: ['secretsmanager:PutResourcePolicy'],
  settings: (read) => ({ trustedAccounts: read.accountIds('trustedAccounts', []) }),
  match: (event, settings) => {
    const policy = text(request(event, 'resourcePolicy'));
    const outside = outsidePrincipals(policy ?? undefined, event.account, settings.trustedAccounts);
    if (outside.length === 0) return null;
    const secret = text(request(event, 'secretId')) ?? 'unknown';
    const who = actor(event);
    const anyone = outside.includes('*');
    return {
      key: `${event.account}:${secret}`,
      title: `Secrets Manager secret ${secret} shared with ${anyone ? 'anyone' : outside.join(', ')} by ${who}`,
      description: `${who} put a resource policy on ${secret} that lets ${outside.join(', ')} use it.`,
      severity: anyone ? 'critical' : 'high',
      resources: [{ type: 'AWS::SecretsManager::Secret', id: secret, account: event.account }],
      context: { secretId: secret, outsidePrincipals: outside.join(',') },
    };
  },
});

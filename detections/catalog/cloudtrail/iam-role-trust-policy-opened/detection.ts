import type { JsonValue } from '../../../../schemas/types.js';
import { outsidePrincipals, policyStatements } from '../policy-document.js';
import { at, request, response, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'iam-role-trust-policy-opened',
  title: 'IAM role made assumable from outside the account',
  description:
    'A role was created with, or had its trust policy changed to, a policy that lets outsiders assume it: a ' +
    'principal of another AWS account (high), anyone (`"AWS": "*"` without a condition, critical), or any identity ' +
    'of a web identity provider such as GitHub Actions without a condition on the token subject (high: any ' +
    'repository can assume it). A backdoored role gives the other side durable access that no user credential ' +
    "rotation removes. Accounts in the `trustedAccounts` param (your organization's) are not outside.",
  severity: 'high',
  mitre: ['T1098.003', 'T1078.004'],
  tactics: ['persistence', 'privilege-escalation'],
  failedCalls: 'ignored',
  panther: { rules: ['AWS.IAM.BackdoorRole'] },
  stratus: ['aws.persistence.iam-backdoor-role', 'aws.persistence.iam-create-backdoor-role'],
  runbook:
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-resources.html#access-analyzer-iam-role',
  remediation:
    'If the outside access is not intended: restore the trust policy (`aws iam update-assume-role-policy ' +
    '--role-name <role> --policy-document file://trust.json`, IAM console → Roles → <role> → Trust relationships ' +
    '→ Edit), or delete a role created for it; revoke its active sessions (Roles → <role> → Revoke active ' +
    'sessions) and review what the outside principals did (CloudTrail AssumeRole events on the role). Add ' +
    '`sub` conditions to web identity trusts, and enable IAM Access Analyzer to catch external trusts.',
  actions: ['iam:CreateRole', 'iam:UpdateAssumeRolePolicy'],
  settings: (read) => ({ trustedAccounts: read.accountIds('trustedAccounts', []) }),
  match: (event, settings) => {
    const document =
      text(request(event, 'assumeRolePolicyDocument')) ?? text(request(event, 'policyDocument')) ?? undefined;
    const outside = outsidePrincipals(document, event.account, settings.trustedAccounts);
    const providers = unrestrictedWebIdentities(document);
    if (outside.length === 0 && providers.length === 0) return null;
    const role = text(request(event, 'roleName')) ?? 'unknown';
    const opened = [
      ...outside.map((p) => (p === '*' ? 'anyone' : p)),
      ...providers.map((p) => `any identity of ${p}`),
    ];
    const who = actor(event);
    const created = event.action === 'iam:CreateRole';
    return {
      key: `${event.account}:${role}`,
      title: `IAM role ${role} ${created ? 'created assumable' : 'made assumable'} by ${opened.join(', ')} (${who})`,
      description:
        `${who} ${created ? 'created' : 'changed the trust policy of'} role ${role} so that ${opened.join(', ')} ` +
        'can assume it.',
      severity: outside.includes('*') ? 'critical' : 'high',
      resources: [
        {
          type: 'AWS::IAM::Role',
          id: text(response(event, 'role', 'arn')) ?? role,
          account: event.account,
        },
      ],
      context: {
        roleName: role,
        outsidePrincipals: outside.join(','),
        webIdentityProviders: providers.join(','),
      },
    };
  },
});

/**
 * OIDC providers an Allow statement trusts for AssumeRoleWithWebIdentity with no condition on the token's
 * subject (`<provider>:sub`): any identity the provider issues tokens to can assume the role.
 */
function unrestrictedWebIdentities(document: string | undefined): string[] {
  const providers = new Set<string>();
  for (const statement of policyStatements(document)) {
    if (at(statement, 'Effect') !== 'Allow' || restrictsSubject(at(statement, 'Condition'))) continue;
    for (const provider of listOf(at(statement, 'Principal', 'Federated'))) {
      if (provider.includes(':oidc-provider/')) providers.add(provider.slice(provider.indexOf('/') + 1));
    }
  }
  return [...providers];
}

function restrictsSubject(condition: JsonValue | undefined): boolean {
  if (condition === null || typeof condition !== 'object' || Array.isArray(condition)) return false;
  return Object.values(condition).some(
    (test) =>
      test !== null &&
      typeof test === 'object' &&
      !Array.isArray(test) &&
      Object.keys(test).some((key) => key.endsWith(':sub')),
  );
}

function listOf(value: JsonValue | undefined): string[] {
  const values = Array.isArray(value) ? value : [value];
  return values.flatMap((entry) => text(entry) ?? []);
}

import { principalLabel } from '../../../finding.js';
import { hours } from '../../../operators/index.js';
import { field, request, text } from '../record.js';
import { cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'sso-device-code-token-created',
  title: 'IAM Identity Center token issued through the device code flow',
  description:
    'An IAM Identity Center OIDC access token was issued for a device authorization (CreateToken with the ' +
    'device_code grant): how `aws sso login` works, and how device-code phishing works, where the victim approves ' +
    'a code the attacker started and the attacker receives a token to every account the victim can reach, MFA ' +
    'included. Low on its own (the approval and the token retrieval from different addresses is the sign); ' +
    'token refreshes are left out. One finding per user and hour.',
  severity: 'low',
  mitre: ['T1528', 'T1566.002'],
  tactics: ['credential-access', 'initial-access'],
  failedCalls: 'ignored',
  dedupPeriodMs: hours(1),
  panther: {
    rules: ['Retrieve.SSO.access.token'],
    differences: [
      {
        rule: 'Retrieve.SSO.access.token',
        test: 'Retrieve SSO access token',
        reason:
          'The test log has no eventTime: it cannot be placed in event time and is dead-lettered, so nothing fires.',
      },
    ],
  },
  runbook: 'https://docs.aws.amazon.com/singlesignon/latest/userguide/authconcept.html',
  remediation:
    'If the user did not run `aws sso login` at that time from that address: revoke their Identity Center ' +
    'sessions (IAM Identity Center console → Users → <user> → Active sessions → Delete), reset their ' +
    "credentials at the identity provider, and review GetRoleCredentials and account activity from the token's " +
    'source address.',
  actions: ['sso:CreateToken', 'sso-oauth:CreateToken'],
  match: (event) => {
    const grant = text(request(event, 'grantType')) ?? '';
    if (!grant.includes('device_code')) return null;
    const user = principalLabel(event) ?? 'an unknown user';
    const from = text(field(event, 'sourceIPAddress')) ?? 'an unknown address';
    return {
      key: `${event.account}:${user}`,
      title: `Identity Center token issued to ${user} by device code, retrieved from ${from}`,
      description: `A client at ${from} obtained an Identity Center access token for ${user} through the device code flow.`,
      context: { clientId: text(request(event, 'clientId')) ?? '', grantType: grant },
    };
  },
});

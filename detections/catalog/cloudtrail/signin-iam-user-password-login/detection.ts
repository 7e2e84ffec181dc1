import { principalLabel } from '../../../finding.js';
import { hours } from '../../../operators/index.js';
import { field, response, text } from '../record.js';
import { cloudTrailRule, sourceAddress } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'signin-iam-user-password-login',
  title: 'IAM user signed in with a password instead of SSO',
  description:
    'An IAM user signed in to the console with its own password rather than through SAML or IAM Identity ' +
    'Center. In accounts the `ssoOnlyAccounts` param lists, where people sign in only through SSO, this is high: ' +
    'a leftover or newly made password bypasses the identity provider, its MFA and its offboarding. Elsewhere ' +
    'it is low, an inventory of password sign-ins. One finding per user and hour.',
  severity: 'low',
  mitre: ['T1078.004'],
  tactics: ['initial-access', 'persistence'],
  failedCalls: 'ignored',
  panther: { rules: ['AWS.Console.LoginWithoutSAML'] },
  stratus: ['aws.initial-access.console-login-without-mfa'],
  runbook: 'https://docs.aws.amazon.com/singlesignon/latest/userguide/what-is.html',
  remediation:
    'Ask the user why they have a password. Remove console access of IAM users in SSO-only accounts (`aws iam ' +
    'delete-login-profile --user-name <user>`, IAM console → Users → <user> → Security credentials → Manage ' +
    'console access → Disable), give people access through IAM Identity Center permission sets, and deny ' +
    'iam:CreateLoginProfile with an SCP.',
  actions: ['signin:ConsoleLogin'],
  dedupPeriodMs: hours(1),
  settings: (read) => ({ ssoOnlyAccounts: read.accountIds('ssoOnlyAccounts', []) }),
  match: (event, settings) => {
    if (event.principal?.type !== 'IAMUser' || response(event, 'ConsoleLogin') !== 'Success') return null;
    if (text(field(event, 'additionalEventData', 'SamlProviderArn')) !== null) return null;
    const user = event.principal.name ?? principalLabel(event) ?? 'unknown';
    const ssoOnly = event.account !== null && settings.ssoOnlyAccounts.includes(event.account);
    const from = sourceAddress(event);
    return {
      key: `${event.account}:${user}`,
      title: `IAM user ${user} signed in with a password${ssoOnly ? ' in an SSO-only account' : ''} from ${from}`,
      description:
        `${user} signed in to account ${event.account ?? 'unknown'} with an IAM password` +
        `${ssoOnly ? ', where sign-ins should go through SSO' : ''}.`,
      severity: ssoOnly ? 'high' : 'low',
      resources: [{ type: 'AWS::IAM::User', id: principalLabel(event) ?? user, account: event.account }],
      context: {
        userName: user,
        mfaUsed: text(field(event, 'additionalEventData', 'MFAUsed')) ?? '',
        ssoOnlyAccount: String(ssoOnly),
      },
    };
  },
});

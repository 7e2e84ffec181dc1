import { principalLabel } from '../../../finding.js';
import { hours } from '../../../operators/index.js';
import { field, response } from '../record.js';
import { cloudTrailRule, sourceAddress } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'signin-console-login-without-mfa',
  title: 'IAM user or root signed in to the console without MFA',
  description:
    'An IAM user (medium) or the root user (high) signed in to the AWS console with a password alone. A leaked or ' +
    'guessed password is then enough to take over the identity. Federated and IAM Identity Center sign-ins ' +
    '(AssumedRole, or an IAM user sign-in through a SAML provider) are left out: the identity provider enforces ' +
    'their MFA. Failed sign-ins are left out. One finding per identity and hour.',
  severity: 'medium',
  mitre: ['T1078.004'],
  tactics: ['initial-access'],
  failedCalls: 'ignored',
  panther: {
    rules: ['AWS.Console.LoginWithoutMFA'],
    differences: [
      {
        rule: 'AWS.Console.LoginWithoutMFA',
        test: 'No MFA Login - New User',
        reason:
          "Panther's rule skips users created in the last days through a lookup its test mocks; the log is the " +
          'same as the positive case, and shardwatch reports every sign-in without MFA.',
      },
    ],
  },
  stratus: ['aws.initial-access.console-login-without-mfa'],
  runbook: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable_virtual.html',
  remediation:
    'Ask the user to assign an MFA device (IAM console → Users → <user> → Security credentials → Assign MFA ' +
    'device; root: signed in as root → Security credentials → Assign MFA), require MFA with a policy that denies actions when `aws:MultiFactorAuthPresent` is false, or move ' +
    'the user to IAM Identity Center. If the sign-in was not theirs: reset the password ' +
    '(`aws iam update-login-profile --password-reset-required`) and revoke active sessions.',
  actions: ['signin:ConsoleLogin'],
  dedupPeriodMs: hours(1),
  match: (event) => {
    const type = event.principal?.type;
    if (type !== 'IAMUser' && type !== 'Root') return null;
    if (response(event, 'ConsoleLogin') !== 'Success') return null;
    if (field(event, 'additionalEventData', 'MFAUsed') !== 'No') return null;
    if (field(event, 'additionalEventData', 'SamlProviderArn') !== undefined) return null;
    const root = type === 'Root';
    const user = root ? 'root' : (event.principal?.name ?? principalLabel(event) ?? 'unknown');
    const account = event.account ?? 'unknown';
    const from = sourceAddress(event);
    return {
      key: `${account}:${principalLabel(event) ?? user}`,
      title: `${root ? 'Root user' : `IAM user ${user}`} signed in to the console without MFA from ${from}`,
      description: `${root ? 'The root user' : user} of account ${account} signed in with a password only. Set up MFA for ${root ? 'root' : 'this user'}.`,
      severity: root ? 'high' : 'medium',
      resources: [
        {
          type: root ? 'AWS::IAM::Root' : 'AWS::IAM::User',
          id: principalLabel(event) ?? user,
          account: event.account,
        },
      ],
      context: { userName: user },
    };
  },
});

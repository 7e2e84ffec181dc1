import { principalLabel } from '../../../finding.js';
import { hours } from '../../../operators/index.js';
import { isFailedConsoleLogin } from '../failed-console-login.js';
import { field, text } from '../record.js';
import { cloudTrailRule, sourceAddress } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'signin-mfa-failure',
  title: 'Console sign-in failed at the MFA step',
  description:
    'A console sign-in failed after the password was accepted, at the MFA step (ConsoleLogin failure with ' +
    "MFAUsed: Yes). Whoever tried knows the password: the user's primary credential is compromised, or the user " +
    'is being pushed to approve a prompt. One finding per user and hour, with a count.',
  severity: 'high',
  mitre: ['T1621', 'T1078.004'],
  tactics: ['credential-access', 'initial-access'],
  failedCalls: 'counted',
  panther: { rules: ['AWS.Unsuccessful.MFA.attempt'] },
  runbook: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_admin-change-user.html',
  remediation:
    'Ask the user whether it was them. If not: reset their password at once (`aws iam update-login-profile ' +
    '--user-name <user> --password-reset-required`, IAM console → Users → <user> → Security credentials → Manage ' +
    'console access), check their MFA devices and access keys, and look for successful sign-ins from the same ' +
    'source address.',
  actions: ['signin:ConsoleLogin'],
  dedupPeriodMs: hours(1),
  match: (event) => {
    if (!isFailedConsoleLogin(event) || text(field(event, 'additionalEventData', 'MFAUsed')) !== 'Yes')
      return null;
    const user = event.principal?.name ?? principalLabel(event) ?? 'unknown';
    const from = sourceAddress(event);
    return {
      key: `${event.account}:${user}`,
      title: `Console sign-in of ${user} failed at MFA after a correct password, from ${from}`,
      description: `Someone at ${from} knew the console password of ${user} in account ${event.account ?? 'unknown'} but failed MFA.`,
      resources: [{ type: 'AWS::IAM::User', id: user, account: event.account }],
      context: { userName: user, errorMessage: text(field(event, 'errorMessage')) ?? '' },
    };
  },
});

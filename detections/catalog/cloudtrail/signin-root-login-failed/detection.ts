import { hours } from '../../../operators/index.js';
import { isFailedConsoleLogin } from '../failed-console-login.js';
import { field, text } from '../record.js';
import { cloudTrailRule, sourceAddress } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'signin-root-login-failed',
  title: 'Failed root user console sign-in',
  description:
    'Someone failed to sign in to the console as the root user. The root user signs in rarely and by one known ' +
    'person; a failure means a mistyped password or someone trying the root email address with guessed or ' +
    'leaked passwords. One finding per account and hour, with a count (many failures: signin-console-brute-force).',
  severity: 'medium',
  mitre: ['T1110', 'T1078.004'],
  tactics: ['credential-access', 'initial-access'],
  failedCalls: 'counted',
  panther: { rules: ['AWS.Console.RootLoginFailed'] },
  runbook: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-best-practices.html',
  remediation:
    'Ask the account owner whether they tried to sign in. If not: make sure root has MFA (signed in as root → ' +
    'Security credentials → Assign MFA), use a long unique password, secure the root email mailbox, and block ' +
    'the source address at the edge; in an organization, remove member-account root credentials through ' +
    'centralized root access (IAM console → Root access management).',
  actions: ['signin:ConsoleLogin'],
  dedupPeriodMs: hours(1),
  match: (event) => {
    if (event.principal?.type !== 'Root' || !isFailedConsoleLogin(event)) return null;
    const account = event.account ?? 'unknown';
    const from = sourceAddress(event);
    return {
      key: account,
      title: `Failed root console sign-in to account ${account} from ${from}`,
      description: `A console sign-in as the root user of ${account} failed (${text(field(event, 'errorMessage')) ?? 'no reason given'}).`,
      resources: [{ type: 'AWS::IAM::Root', id: `arn:aws:iam::${account}:root`, account: event.account }],
      context: { errorMessage: text(field(event, 'errorMessage')) ?? '' },
    };
  },
});

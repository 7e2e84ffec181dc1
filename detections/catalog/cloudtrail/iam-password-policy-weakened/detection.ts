import { integer, request } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

/** IAM's minimum length when UpdateAccountPasswordPolicy omits it. */
const IAM_DEFAULT_MIN_LENGTH = 8;

export const detection = cloudTrailRule({
  id: 'iam-password-policy-weakened',
  title: 'Account password policy deleted or weakened',
  description:
    'The account password policy was deleted, or replaced by one requiring fewer characters than the ' +
    '`minLength` param (default 14, as CIS asks). An update replaces the whole policy, so an omitted length ' +
    "falls back to IAM's 8. Short passwords make spraying and brute force work; attackers weaken the policy " +
    'before setting easy passwords on the users they create.',
  severity: 'medium',
  mitre: ['T1556', 'T1201'],
  tactics: ['defense-evasion', 'persistence'],
  failedCalls: 'ignored',
  runbook: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html',
  remediation:
    'Restore a strong policy: `aws iam update-account-password-policy --minimum-password-length 14 ' +
    '--require-symbols --require-numbers --require-uppercase-characters --require-lowercase-characters ' +
    '--password-reuse-prevention 24` (IAM console → Account settings → Password policy → Edit), and ask who ' +
    'changed it and why.',
  actions: ['iam:DeleteAccountPasswordPolicy', 'iam:UpdateAccountPasswordPolicy'],
  settings: (read) => ({ minLength: read.positiveInteger('minLength', 14) }),
  match: (event, settings) => {
    const deleted = event.action === 'iam:DeleteAccountPasswordPolicy';
    const length = integer(request(event, 'minimumPasswordLength')) ?? IAM_DEFAULT_MIN_LENGTH;
    if (!deleted && length >= settings.minLength) return null;
    const account = event.account ?? 'unknown';
    const who = actor(event);
    return {
      key: account,
      title: deleted
        ? `Password policy of account ${account} deleted by ${who}`
        : `Password policy of account ${account} set to ${length}-character passwords by ${who}`,
      description: deleted
        ? `${who} deleted the password policy: IAM passwords now only need IAM's defaults.`
        : `${who} set a password policy with a minimum length of ${length}, below ${settings.minLength}.`,
      context: { minimumPasswordLength: deleted ? '' : String(length) },
    };
  },
});

import type { SecurityEvent } from '../../../../schemas/types.js';
import { successOrDenied } from '../denied-attempts.js';
import { integer, request } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const DEFAULT_PARAMS = { minLength: 14, minReusePrevention: 24 };

export const detection = cloudTrailRule({
  id: 'iam-password-policy-weakened',
  title: 'Account password policy deleted or below the baseline',
  description:
    'The IAM account password policy was deleted (IAM falls back to 8-character passwords with no rules) or set ' +
    'below the baseline (`minLength`, default 14 characters; `minReusePrevention`, default 24 remembered ' +
    'passwords): attackers loosen it to give backdoor users passwords they can set quickly, and weak passwords ' +
    'make IAM users easier to take over. A call refused for lack of permission counts.',
  severity: 'medium',
  mitre: ['T1556', 'T1562.001'],
  tactics: ['defense-evasion', 'credential-access'],
  failedCalls: 'counted',
  runbook: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html',
  remediation:
    'Set the policy back (IAM console → Account settings → Password policy → Edit, or `aws iam ' +
    'update-account-password-policy --minimum-password-length 14 --password-reuse-prevention 24 ' +
    '--require-symbols --require-numbers --require-uppercase-characters --require-lowercase-characters`), and ' +
    'prefer IAM Identity Center over IAM users with passwords.',
  actions: ['iam:DeleteAccountPasswordPolicy', 'iam:UpdateAccountPasswordPolicy'],
  settings: (read) => ({
    minLength: read.positiveInteger('minLength', DEFAULT_PARAMS.minLength),
    minReusePrevention: read.positiveInteger('minReusePrevention', DEFAULT_PARAMS.minReusePrevention),
  }),
  match: successOrDenied((event, baseline: typeof DEFAULT_PARAMS) => {
    const shortfalls =
      event.action === 'iam:DeleteAccountPasswordPolicy' ? ['policy deleted'] : shortfallsOf(event, baseline);
    if (shortfalls.length === 0) return null;
    const who = actor(event);
    return {
      key: `${event.account}`,
      title: `Account password policy weakened (${shortfalls.join(', ')}) by ${who}`,
      description: `${who} called ${event.action} in account ${event.account ?? 'unknown'}: ${shortfalls.join(', ')}.`,
      resources: [
        { type: 'AWS::IAM::AccountPasswordPolicy', id: event.account ?? 'unknown', account: event.account },
      ],
      context: { shortfalls: shortfalls.join(', ') },
    };
  }),
});

/**
 * UpdateAccountPasswordPolicy replaces the whole policy: a setting left out takes its default (8 characters, reuse
 * allowed). Length and reuse are what the CIS AWS benchmark checks; character classes add little beyond length.
 */
function shortfallsOf(event: SecurityEvent, baseline: typeof DEFAULT_PARAMS): string[] {
  const shortfalls: string[] = [];
  const length = integer(request(event, 'minimumPasswordLength')) ?? 8;
  if (length < baseline.minLength) shortfalls.push(`minimum length ${length}`);
  const reuse = integer(request(event, 'passwordReusePrevention')) ?? 0;
  if (reuse < baseline.minReusePrevention)
    shortfalls.push(reuse === 0 ? 'reuse allowed' : `only ${reuse} passwords remembered`);
  return shortfalls;
}

import { requestAnyCase } from '../any-case.js';
import { successOrDenied } from '../denied-attempts.js';
import { text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'account-security-contact-changed',
  title: 'Account security contact changed or removed',
  description:
    'The security alternate contact of an account was replaced or deleted. AWS sends abuse reports, notices of ' +
    'exposed access keys and security bulletins there: an attacker who redirects or removes it keeps those ' +
    'warnings from the owners. Billing and operations contacts are not reported. A call refused for lack of ' +
    'permission counts.',
  severity: 'medium',
  mitre: ['T1562.001', 'T1098'],
  tactics: ['defense-evasion', 'persistence'],
  failedCalls: 'counted',
  runbook: 'https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-update-contact-alternate.html',
  remediation:
    "Set the security contact back to the security team's mailbox (console → Account → Alternate contacts → " +
    'Edit, or `aws account put-alternate-contact --alternate-contact-type SECURITY --email-address <team@…> ' +
    '--name <team> --phone-number <…> --title <…>`) and manage contacts for every account from the organization.',
  actions: ['account:PutAlternateContact', 'account:DeleteAlternateContact'],
  match: successOrDenied((event) => {
    if (text(requestAnyCase(event, 'AlternateContactType')) !== 'SECURITY') return null;
    const target = text(requestAnyCase(event, 'AccountId')) ?? event.account ?? 'unknown';
    const change = event.action === 'account:DeleteAlternateContact' ? 'removed' : 'changed';
    const email = text(requestAnyCase(event, 'EmailAddress'));
    const who = actor(event);
    return {
      key: `${target}:security-contact`,
      title: `Security contact of account ${target} ${change} by ${who}`,
      description:
        `${who} ${change} the security alternate contact of account ${target}` +
        (email === null ? '.' : ` (now ${email}).`),
      resources: [{ type: 'AWS::Account::AlternateContact', id: `${target}/SECURITY`, account: target }],
      context: { targetAccount: target, email: email ?? '' },
    };
  }),
});

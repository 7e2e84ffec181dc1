import { request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'organizations-account-left',
  title: 'Account leaving the organization',
  description:
    'An account tried to leave its AWS Organization (LeaveOrganization), an account was removed from it, or the ' +
    'organization was deleted. Outside the organization the account escapes its SCPs and the organization-wide ' +
    'CloudTrail, GuardDuty, Security Hub and Config: an attacker who controls it operates unseen. Every attempt ' +
    'counts, refused or failed: nobody leaves an organization by accident.',
  severity: 'critical',
  mitre: ['T1666', 'T1562.008'],
  tactics: ['defense-evasion'],
  failedCalls: 'counted',
  panther: { rules: ['AWS.CloudTrail.AttemptToLeaveOrg'] },
  stratus: ['aws.defense-evasion.organizations-leave'],
  runbook: 'https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_remove.html',
  remediation:
    'Find out who made the call and revoke their session (IAM console → Roles → Revoke active sessions). If the ' +
    'account left, invite it back from the management account (`aws organizations invite-account-to-organization ' +
    '--target Id=<account>,Type=ACCOUNT`) and re-enroll its security services; deny organizations:LeaveOrganization ' +
    'in every member account with an SCP.',
  actions: [
    'organizations:LeaveOrganization',
    'organizations:RemoveAccountFromOrganization',
    'organizations:DeleteOrganization',
  ],
  match: (event) => {
    const removed = text(request(event, 'accountId'));
    const who = actor(event);
    const change =
      event.action === 'organizations:LeaveOrganization'
        ? `account ${event.account ?? 'unknown'} left its organization`
        : event.action === 'organizations:DeleteOrganization'
          ? 'organization deleted'
          : `account ${removed ?? 'unknown'} removed from the organization`;
    return {
      key: `${event.account}:${event.action}:${removed ?? ''}`,
      // a refused attempt is still a strong signal, one step below the change
      severity: event.errorCode === null ? 'critical' : 'high',
      title: `AWS Organizations: ${change} by ${who}`,
      description: `${who} called ${event.action}: ${change}. Its organization-level guardrails and logging no longer apply.`,
      resources: [
        {
          type: 'AWS::Organizations::Account',
          id: removed ?? event.account ?? 'unknown',
          account: event.account,
        },
      ],
      context: { removedAccount: removed ?? '' },
    };
  },
});

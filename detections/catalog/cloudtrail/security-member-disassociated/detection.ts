import type { SecurityEvent, Severity } from '../../../../schemas/types.js';
import { requestAnyCase } from '../any-case.js';
import { successOrDenied } from '../denied-attempts.js';
import { items, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

/** The services whose administrator sees member accounts' findings, and their calls that break the link. */
const SERVICES: Readonly<Record<string, { label: string; calls: readonly string[] }>> = {
  guardduty: {
    label: 'GuardDuty',
    calls: [
      'DisassociateFromMasterAccount',
      'DisassociateFromAdministratorAccount',
      'DisassociateMembers',
      'DeleteMembers',
      'StopMonitoringMembers',
      'DisableOrganizationAdminAccount',
    ],
  },
  securityhub: {
    label: 'Security Hub',
    calls: [
      'DisassociateFromMasterAccount',
      'DisassociateFromAdministratorAccount',
      'DisassociateMembers',
      'DeleteMembers',
      'DisableOrganizationAdminAccount',
    ],
  },
  macie2: {
    label: 'Macie',
    calls: [
      'DisassociateFromMasterAccount',
      'DisassociateFromAdministratorAccount',
      'DisassociateMember',
      'DeleteMember',
      'DisableOrganizationAdminAccount',
    ],
  },
  detective: {
    label: 'Detective',
    calls: ['DisassociateMembership', 'DeleteMembers', 'DisableOrganizationAdminAccount'],
  },
  inspector2: { label: 'Inspector', calls: ['DisassociateMember', 'DisableDelegatedAdminAccount'] },
};

/** A member leaving its administrator, the administrator dropping members, or the delegated admin removed. */
const CHANGES: Readonly<Record<string, { severity: Severity; what: string }>> = {
  DisassociateFromMasterAccount: { severity: 'high', what: 'account left its administrator' },
  DisassociateFromAdministratorAccount: { severity: 'high', what: 'account left its administrator' },
  DisassociateMembership: { severity: 'high', what: 'account left its administrator' },
  DisableOrganizationAdminAccount: { severity: 'high', what: 'delegated administrator removed' },
  DisableDelegatedAdminAccount: { severity: 'high', what: 'delegated administrator removed' },
  DisassociateMembers: { severity: 'medium', what: 'member accounts disassociated' },
  DisassociateMember: { severity: 'medium', what: 'member account disassociated' },
  DeleteMembers: { severity: 'medium', what: 'member accounts deleted' },
  DeleteMember: { severity: 'medium', what: 'member account deleted' },
  StopMonitoringMembers: { severity: 'medium', what: 'member accounts no longer monitored' },
};

export const detection = cloudTrailRule({
  id: 'security-member-disassociated',
  title: 'Account detached from central security monitoring',
  description:
    'A member account left its GuardDuty, Security Hub, Macie, Detective or Inspector administrator, or the ' +
    "organization's delegated administrator for one of them was removed (high): the security team no longer " +
    "sees that account's findings, the step an attacker takes after taking over an account. An administrator " +
    'dropping member accounts is medium (off-boarding does it too). A call refused for lack of permission counts.',
  severity: 'high',
  mitre: ['T1562.001'],
  tactics: ['defense-evasion'],
  failedCalls: 'counted',
  runbook: 'https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_organizations.html',
  remediation:
    'Re-associate the account from the administrator account (GuardDuty: `aws guardduty create-members` then the ' +
    'member accepts; Security Hub: `aws securityhub create-members`; Macie: `aws macie2 create-member`; Detective: ' +
    '`aws detective create-members`; Inspector: `aws inspector2 associate-member`), or re-register the delegated ' +
    'administrator (`aws <service> enable-organization-admin-account`). With AWS Organizations, members cannot ' +
    'leave on their own: enable auto-enable and deny the Disassociate* actions in member accounts with an SCP.',
  actions: Object.entries(SERVICES).flatMap(([service, { calls }]) =>
    calls.map((call) => `${service}:${call}`),
  ),
  match: successOrDenied((event) => {
    const [service = '', name = ''] = event.action.split(':');
    const change = CHANGES[name];
    if (change === undefined) return null;
    const label = SERVICES[service]?.label ?? service;
    const accounts = accountsOf(event);
    const whose =
      accounts.length > 0 ? ` (${accounts.join(', ')})` : ` (${event.account ?? 'unknown account'})`;
    const who = actor(event);
    return {
      key: `${event.account}:${event.region}:${event.action}:${accounts.join(',')}`,
      severity: change.severity,
      title: `${label}: ${change.what}${whose} by ${who}`,
      description: `${who} called ${event.action} in ${event.region ?? 'an unknown region'}: ${label} ${change.what}${whose}; their findings no longer reach the security team.`,
      resources: (accounts.length > 0 ? accounts : [event.account ?? 'unknown']).map((id) => ({
        type: 'AWS::Organizations::Account',
        id,
        account: event.account,
      })),
      context: { service: label, accounts: accounts.join(',') },
    };
  }),
});

/** The accounts a call names, as `accountIds`, `AccountIds`, `id`, `accountId` or an admin account id. */
function accountsOf(event: SecurityEvent): string[] {
  const listed = items(requestAnyCase(event, 'accountIds'))
    .map(text)
    .filter((id): id is string => id !== null);
  if (listed.length > 0) return listed;
  const single =
    text(requestAnyCase(event, 'adminAccountId')) ??
    text(requestAnyCase(event, 'delegatedAdminAccountId')) ??
    text(requestAnyCase(event, 'accountId')) ??
    text(requestAnyCase(event, 'id'));
  return single === null ? [] : [single];
}

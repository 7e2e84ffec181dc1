import { filter, map } from 'rxjs';
import type { SecurityEvent } from '../../../../schemas/types.js';
import type { Detection } from '../../../api.js';
import { buildFinding, principalLabel } from '../../../finding.js';
import { hours } from '../../../operators/index.js';
import { field, response } from '../record.js';

export const detection: Detection = {
  id: 'signin-console-login-without-mfa',
  title: 'IAM user signed in to the console without MFA',
  description:
    'An IAM user signed in to the AWS console with a password alone. A leaked or guessed password is then ' +
    'enough to take over the user. Federated and IAM Identity Center sign-ins (AssumedRole) are left out: ' +
    'their MFA is enforced by the identity provider. One finding per user and hour.',
  severity: 'medium',
  mitre: ['T1078.004'],
  tactics: ['initial-access'],
  failedCalls: 'ignored',
  runbook: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable_virtual.html',
  remediation:
    'Ask the user to assign an MFA device (IAM console → Users → <user> → Security credentials → Assign MFA ' +
    'device), require MFA with a policy that denies actions when `aws:MultiFactorAuthPresent` is false, or move ' +
    'the user to IAM Identity Center. If the sign-in was not theirs: reset the password ' +
    '(`aws iam update-login-profile --password-reset-required`) and revoke active sessions.',
  routes: [{ source: 'cloudtrail', actions: ['signin:ConsoleLogin'] }],
  dedupPeriodMs: hours(1),
  operator: () => (events) => events.pipe(filter(isLoginWithoutMfa), map(toFinding)),
};

function isLoginWithoutMfa(event: SecurityEvent): boolean {
  return (
    event.principal?.type === 'IAMUser' &&
    response(event, 'ConsoleLogin') === 'Success' &&
    field(event, 'additionalEventData', 'MFAUsed') === 'No'
  );
}

function toFinding(event: SecurityEvent) {
  const user = event.principal?.name ?? principalLabel(event) ?? 'unknown';
  const from = event.srcIp ?? 'an unknown address';
  return buildFinding(detection, {
    key: `${event.account}:${principalLabel(event) ?? user}`,
    trigger: event,
    title: `IAM user ${user} signed in to the console without MFA from ${from}`,
    description: `${user} in account ${event.account ?? 'unknown'} signed in with a password only. Set up MFA for this user.`,
    resources: [{ type: 'AWS::IAM::User', id: principalLabel(event) ?? user, account: event.account }],
    context: {
      userName: user,
      sourceIp: event.srcIp ?? '',
      userAgent: event.userAgent ?? '',
    },
  });
}

import type { Severity } from '../../../../schemas/types.js';
import { actsOnOwnUser, targetUserName } from '../iam-target-user.js';
import { request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'iam-mfa-device-removed',
  title: 'MFA device deactivated or deleted',
  description:
    "An MFA device was deactivated or a virtual MFA device deleted. Removing the root user's MFA (high) or another " +
    "user's (high) leaves a password as the only factor, the step before taking the account over. A user " +
    'replacing their own device, and deleting a virtual device (it must be deactivated first, which is ' +
    'reported), are low.',
  severity: 'high',
  mitre: ['T1556.006', 'T1098'],
  tactics: ['defense-evasion', 'persistence', 'credential-access'],
  failedCalls: 'ignored',
  runbook: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_disable.html',
  remediation:
    'Ask the user whether they removed it. If not: assign a new MFA device at once (IAM console → Users → <user> ' +
    '→ Security credentials → Assign MFA device; for root, signed in as root → Security credentials), reset the ' +
    "user's password and keys, and require MFA with a policy denying actions when aws:MultiFactorAuthPresent is " +
    'false.',
  actions: ['iam:DeactivateMFADevice', 'iam:DeleteVirtualMFADevice'],
  match: (event) => {
    const serial = text(request(event, 'serialNumber')) ?? 'unknown';
    const rootDevice = serial.includes(':mfa/root-account-mfa-device') || event.principal?.type === 'Root';
    const deactivated = event.action === 'iam:DeactivateMFADevice';
    const own = !rootDevice && deactivated && actsOnOwnUser(event);
    const owner = rootDevice ? 'the root user' : (targetUserName(event) ?? 'an IAM user');
    const severity: Severity = rootDevice || (deactivated && !own) ? 'high' : 'low';
    const who = actor(event);
    const verb = deactivated ? 'deactivated' : 'deleted';
    return {
      key: `${event.account}:${serial}`,
      title: `MFA device of ${owner} ${verb} by ${who}`,
      description: `${who} ${verb} MFA device ${serial} of ${owner}${own ? ' (its own)' : ''}.`,
      severity,
      resources: [{ type: 'AWS::IAM::MFADevice', id: serial, account: event.account }],
      context: { serialNumber: serial, owner, ownDevice: String(own) },
    };
  },
});

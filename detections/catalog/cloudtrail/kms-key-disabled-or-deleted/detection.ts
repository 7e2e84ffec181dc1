import type { Severity } from '../../../../schemas/types.js';
import { integer, request, response, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

const CHANGES: Record<string, { what: (days: number | null) => string; severity: Severity }> = {
  'kms:ScheduleKeyDeletion': {
    what: (days) => `scheduled for deletion${days === null ? '' : ` in ${days} days`}`,
    severity: 'high',
  },
  'kms:DisableKey': { what: () => 'disabled', severity: 'medium' },
  'kms:DeleteImportedKeyMaterial': { what: () => 'stripped of its imported key material', severity: 'high' },
};

export const detection = cloudTrailRule({
  id: 'kms-key-disabled-or-deleted',
  title: 'KMS key disabled or scheduled for deletion',
  description:
    'A customer managed KMS key was scheduled for deletion or had its imported key material deleted (high), or ' +
    'was disabled (medium). Everything encrypted under it — S3 objects, EBS volumes and snapshots, RDS ' +
    'databases, secrets — becomes unreadable, and after deletion for good: a destruction and extortion lever.',
  severity: 'high',
  mitre: ['T1485', 'T1486'],
  tactics: ['impact'],
  failedCalls: 'ignored',
  panther: { rules: ['AWS.KMS.CustomerManagedKeyLoss'] },
  runbook: 'https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html',
  remediation:
    'Undo it while you can: `aws kms cancel-key-deletion --key-id <key>` then `aws kms enable-key --key-id <key>` ' +
    '(console: KMS → Customer managed keys → key → Key actions → Cancel key deletion / Enable); re-import the ' +
    'key material if it was deleted. Deny kms:ScheduleKeyDeletion and kms:DisableKey outside a break-glass role ' +
    'and set a CloudWatch alarm on kms:ScheduleKeyDeletion.',
  actions: Object.keys(CHANGES),
  match: (event) => {
    const change = CHANGES[event.action];
    if (change === undefined) return null;
    const key = text(response(event, 'keyId')) ?? text(request(event, 'keyId')) ?? 'unknown';
    const days = integer(request(event, 'pendingWindowInDays'));
    const what = change.what(days);
    const who = actor(event);
    return {
      key: `${event.account}:${key}`,
      title: `KMS key ${key.split('/').at(-1)} ${what} by ${who}`,
      description:
        `${who} left KMS key ${key} ${what}. Data encrypted under it cannot be decrypted until this is undone` +
        `${event.action === 'kms:ScheduleKeyDeletion' ? ', and never after the deletion date' : ''}.`,
      severity: change.severity,
      resources: [{ type: 'AWS::KMS::Key', id: key, account: event.account }],
      context: {
        ...(days === null ? {} : { pendingWindowInDays: String(days) }),
        ...(text(response(event, 'deletionDate'))
          ? { deletionDate: text(response(event, 'deletionDate')) ?? '' }
          : {}),
      },
    };
  },
});

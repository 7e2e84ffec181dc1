import type { SecurityEvent, Severity } from '../../../../schemas/types.js';
import { hours } from '../../../operators/index.js';
import { integer, request, succeeded, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

/** What each AWS Backup call removes, how bad that is, and the request field naming its target. */
const REMOVALS: Record<string, { what: string; severity: Severity; target: string }> = {
  'backup:DeleteRecoveryPoint': {
    what: 'recovery points deleted',
    severity: 'high',
    target: 'backupVaultName',
  },
  'backup:DeleteBackupVault': { what: 'backup vault deleted', severity: 'high', target: 'backupVaultName' },
  'backup:DeleteBackupVaultLockConfiguration': {
    what: 'vault lock removed',
    severity: 'high',
    target: 'backupVaultName',
  },
  'backup:DeleteBackupPlan': { what: 'backup plan deleted', severity: 'medium', target: 'backupPlanId' },
  'backup:DeleteBackupSelection': {
    what: 'backup selection deleted',
    severity: 'medium',
    target: 'backupPlanId',
  },
  'backup:UpdateRecoveryPointLifecycle': {
    what: 'recovery point retention shortened',
    severity: 'medium',
    target: 'backupVaultName',
  },
};

export const detection = cloudTrailRule({
  id: 'backup-protection-removed',
  title: 'AWS Backup protection removed',
  description:
    'AWS Backup recovery points, vaults or vault locks were deleted (high), or backup plans and selections ' +
    'deleted or a recovery point set to expire within 7 days (medium). Destroying backups is what ransomware ' +
    'does right before encrypting or deleting the originals; refused attempts (a vault lock saying no) are ' +
    'reported too. One finding per vault or plan per hour, with a count.',
  severity: 'high',
  mitre: ['T1490'],
  tactics: ['impact'],
  failedCalls: 'counted',
  dedupPeriodMs: hours(1),
  runbook: 'https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html',
  remediation:
    'Stop the principal (deactivate its keys or revoke its role sessions) before more backups go. Check what is ' +
    'left (`aws backup list-recovery-points-by-backup-vault --backup-vault-name <vault>`), restore plans from IaC, ' +
    'and put critical vaults under AWS Backup Vault Lock in compliance mode, with copies in a separate ' +
    'account (logically air-gapped vault).',
  actions: Object.keys(REMOVALS),
  match: (event) => {
    const removal = REMOVALS[event.action];
    if (removal === undefined || !shortens(event)) return null;
    const target = text(request(event, removal.target)) ?? 'unknown';
    const refused = !succeeded(event);
    const who = actor(event);
    const recoveryPoint = text(request(event, 'recoveryPointArn'));
    return {
      // A refused attempt and a removal that happened are different findings, not one rolled-up count.
      key: `${event.account}:${event.action}:${target}${refused ? ':refused' : ''}`,
      title: `AWS Backup ${removal.what} (${removal.target === 'backupPlanId' ? 'plan' : 'vault'} ${target}) by ${who}`,
      description:
        `${who} called ${event.action.slice(7)} on ${target}${recoveryPoint ? ` (${recoveryPoint})` : ''}: ` +
        `${removal.what}. Restores from these backups may no longer be possible.`,
      severity: removal.severity,
      resources: [
        {
          type: removal.target === 'backupPlanId' ? 'AWS::Backup::BackupPlan' : 'AWS::Backup::BackupVault',
          id: target,
          account: event.account,
        },
      ],
      ...(recoveryPoint ? { context: { recoveryPoint } } : {}),
    };
  },
});

/** UpdateRecoveryPointLifecycle matters only when it makes the recovery point expire within a week. */
function shortens(event: SecurityEvent): boolean {
  if (event.action !== 'backup:UpdateRecoveryPointLifecycle') return true;
  const days = integer(request(event, 'lifecycle', 'deleteAfterDays'));
  return days !== null && days <= 7;
}

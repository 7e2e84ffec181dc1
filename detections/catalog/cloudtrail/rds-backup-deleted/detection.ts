import type { SecurityEvent, Severity } from '../../../../schemas/types.js';
import { rdsDatabase } from '../rds-request.js';
import { integer, request, response, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'rds-backup-deleted',
  title: 'RDS backups deleted or disabled',
  description:
    'RDS automated backups were deleted (DeleteDBInstanceAutomatedBackup, DeleteDBClusterAutomatedBackup) or ' +
    'switched off by setting the backup retention to 0, which deletes them too (high); or a manual DB or ' +
    'cluster snapshot was deleted (low, as snapshot rotation does it daily). Removing backups comes just ' +
    'before destroying or ransoming a database.',
  severity: 'high',
  mitre: ['T1490'],
  tactics: ['impact'],
  failedCalls: 'ignored',
  panther: { rules: ['AWS.RDS.AutomatedBackupDeleted'] },
  runbook: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.html',
  remediation:
    'Turn automated backups back on: `aws rds modify-db-instance --db-instance-identifier <db> ' +
    '--backup-retention-period 7 --apply-immediately` (clusters: `modify-db-cluster`), take a manual snapshot ' +
    'now (`aws rds create-db-snapshot`), and copy backups into an AWS Backup vault with vault lock so they cannot ' +
    'be deleted from this account. Find who deleted them and why.',
  actions: [
    'rds:DeleteDBInstanceAutomatedBackup',
    'rds:DeleteDBClusterAutomatedBackup',
    'rds:DeleteDBSnapshot',
    'rds:DeleteDBClusterSnapshot',
    'rds:ModifyDBInstance',
    'rds:ModifyDBCluster',
  ],
  match: (event) => {
    const deleted = backupLoss(event);
    if (deleted === null) return null;
    const who = actor(event);
    return {
      key: `${event.account}:${deleted.id}`,
      title: `${deleted.what} by ${who}`,
      description: `${who} ${deleted.how}. Restores from ${deleted.of} are no longer possible.`,
      severity: deleted.severity,
      resources: [{ type: deleted.type, id: deleted.id, account: event.account }],
    };
  },
});

interface BackupLoss {
  what: string;
  how: string;
  of: string;
  severity: Severity;
  type: string;
  id: string;
}

function backupLoss(event: SecurityEvent): BackupLoss | null {
  const read = (key: string) => text(request(event, key)) ?? text(response(event, key));
  switch (event.action) {
    case 'rds:DeleteDBInstanceAutomatedBackup':
    case 'rds:DeleteDBClusterAutomatedBackup': {
      const id =
        read('dbiResourceId') ??
        read('dbClusterResourceId') ??
        read('dBInstanceAutomatedBackupsArn') ??
        read('dBClusterAutomatedBackupArn') ??
        'unknown';
      return {
        what: `RDS automated backups of ${id} deleted`,
        how: `deleted the retained automated backups of ${id}`,
        of: 'those backups',
        severity: 'high',
        type: event.action.includes('Cluster') ? 'AWS::RDS::DBCluster' : 'AWS::RDS::DBInstance',
        id,
      };
    }
    case 'rds:DeleteDBSnapshot':
    case 'rds:DeleteDBClusterSnapshot': {
      const cluster = event.action === 'rds:DeleteDBClusterSnapshot';
      const id = read(cluster ? 'dBClusterSnapshotIdentifier' : 'dBSnapshotIdentifier') ?? 'unknown';
      const label = `RDS ${cluster ? 'cluster ' : ''}snapshot ${id}`;
      return {
        what: `${label} deleted`,
        how: `deleted ${label}`,
        of: 'it',
        severity: 'low',
        type: cluster ? 'AWS::RDS::DBClusterSnapshot' : 'AWS::RDS::DBSnapshot',
        id,
      };
    }
    default: {
      if (integer(request(event, 'backupRetentionPeriod')) !== 0) return null;
      const database = rdsDatabase(event);
      return {
        what: `Automated backups of ${database.label} disabled`,
        how: `set the backup retention of ${database.label} to 0, which deletes its automated backups`,
        of: 'automated backups and points in time',
        severity: 'high',
        type: database.resource.type,
        id: database.resource.id,
      };
    }
  }
}

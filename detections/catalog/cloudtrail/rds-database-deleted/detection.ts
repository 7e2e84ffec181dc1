import { flag, rdsDatabase } from '../rds-request.js';
import { request } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'rds-database-deleted',
  title: 'RDS database deleted',
  description:
    'An RDS instance, cluster or global cluster was deleted. Critical when it went without a final snapshot ' +
    'and with its automated backups (nothing left to restore from), high otherwise: database deletion is the ' +
    'end of a destruction or extortion attack, and rare outside planned decommissions.',
  severity: 'high',
  mitre: ['T1485'],
  tactics: ['impact'],
  failedCalls: 'ignored',
  runbook: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DeleteInstance.html',
  remediation:
    'Confirm it was planned. If not: restore from the final snapshot, a retained automated backup (`aws rds ' +
    'describe-db-instance-automated-backups`, `aws rds restore-db-instance-to-point-in-time ' +
    '--source-dbi-resource-id <id>`) or an AWS Backup copy, and stop the principal that deleted it. Keep ' +
    'deletion protection on for production databases and copy their backups to a locked Backup vault.',
  actions: ['rds:DeleteDBInstance', 'rds:DeleteDBCluster', 'rds:DeleteGlobalCluster'],
  match: (event) => {
    const database = rdsDatabase(event);
    const noFinalSnapshot = flag(request(event, 'skipFinalSnapshot')) === true;
    const backupsDeleted = flag(request(event, 'deleteAutomatedBackups')) === true;
    const unrecoverable = noFinalSnapshot && backupsDeleted;
    const how = [
      noFinalSnapshot ? 'without a final snapshot' : '',
      backupsDeleted ? 'with its automated backups' : '',
    ]
      .filter((part) => part !== '')
      .join(' and ');
    const who = actor(event);
    return {
      key: `${event.account}:${database.resource.id}`,
      title: `${database.label} deleted${how ? ` ${how}` : ''} by ${who}`,
      description:
        `${who} deleted ${database.label} in ${event.region ?? 'an unknown region'}` +
        (unrecoverable ? ', leaving no snapshot or backup in RDS to restore from.' : '.'),
      severity: unrecoverable ? 'critical' : 'high',
      resources: [database.resource],
      context: { skipFinalSnapshot: String(noFinalSnapshot), deleteAutomatedBackups: String(backupsDeleted) },
    };
  },
});

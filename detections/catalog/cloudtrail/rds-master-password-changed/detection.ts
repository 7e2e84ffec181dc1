import { rdsDatabase } from '../rds-request.js';
import { request } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'rds-master-password-changed',
  title: 'RDS master password changed',
  description:
    'The master user password of an RDS instance or cluster was set through ModifyDBInstance / ModifyDBCluster ' +
    '(CloudTrail masks the value). Whoever sets it can log in to the database with full rights, bypassing IAM: ' +
    'attackers with rds:Modify* use it to read data or keep access.',
  severity: 'medium',
  mitre: ['T1098'],
  tactics: ['persistence', 'credential-access'],
  failedCalls: 'ignored',
  panther: { rules: ['AWS.RDS.MasterPasswordUpdated'] },
  runbook: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html',
  remediation:
    'Confirm the change with its owner. If unexpected: set a new password at once and hand it to Secrets ' +
    'Manager (`aws rds modify-db-instance --db-instance-identifier <db> --manage-master-user-password ' +
    '--apply-immediately`), then review database sessions and audit logs since the change.',
  actions: ['rds:ModifyDBInstance', 'rds:ModifyDBCluster'],
  match: (event) => {
    if (request(event, 'masterUserPassword') === undefined || request(event, 'masterUserPassword') === null) {
      return null;
    }
    const database = rdsDatabase(event);
    const who = actor(event);
    return {
      key: `${event.account}:${database.resource.id}`,
      title: `Master password of ${database.label} changed by ${who}`,
      description: `${who} set a new master user password on ${database.label}.`,
      resources: [database.resource],
    };
  },
});

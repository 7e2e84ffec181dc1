import { flag, rdsDatabase } from '../rds-request.js';
import { request } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'rds-deletion-protection-disabled',
  title: 'RDS deletion protection disabled',
  description:
    'Deletion protection was turned off on an RDS instance, cluster or global cluster. It is the step that ' +
    'must come before deleting a protected database, so outside a planned decommission it announces ' +
    'destruction (ransomware, sabotage).',
  severity: 'high',
  mitre: ['T1485', 'T1490'],
  tactics: ['impact'],
  failedCalls: 'ignored',
  panther: { rules: ['AWS.RDS.DeletionProtectionDisabled'] },
  runbook:
    'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DeleteInstance.html#USER_DeletionProtection',
  remediation:
    'Turn it back on unless a decommission is planned: `aws rds modify-db-instance --db-instance-identifier <db> ' +
    '--deletion-protection --apply-immediately` (clusters: `modify-db-cluster`; console: database → Modify → ' +
    'Deletion protection). Confirm a recent snapshot exists, and restrict rds:ModifyDB* with deletionProtection ' +
    'false to a break-glass role.',
  actions: ['rds:ModifyDBInstance', 'rds:ModifyDBCluster', 'rds:ModifyGlobalCluster'],
  match: (event) => {
    if (flag(request(event, 'deletionProtection')) !== false) return null;
    const database = rdsDatabase(event);
    const who = actor(event);
    return {
      key: `${event.account}:${database.resource.id}`,
      title: `Deletion protection disabled on ${database.label} by ${who}`,
      description: `${who} turned off deletion protection of ${database.label}; it can now be deleted in one call.`,
      resources: [database.resource],
    };
  },
});

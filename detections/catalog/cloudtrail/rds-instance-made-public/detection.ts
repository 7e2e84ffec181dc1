import { flag, rdsDatabase } from '../rds-request.js';
import { request, response } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

/** Calls that create a database: publicly accessible as asked, or as RDS defaulted it (response). */
const CREATIONS = new Set([
  'rds:CreateDBInstance',
  'rds:CreateDBInstanceReadReplica',
  'rds:CreateDBCluster',
  'rds:RestoreDBInstanceFromDBSnapshot',
  'rds:RestoreDBInstanceToPointInTime',
  'rds:RestoreDBInstanceFromS3',
  'rds:RestoreDBClusterFromSnapshot',
  'rds:RestoreDBClusterToPointInTime',
]);

export const detection = cloudTrailRule({
  id: 'rds-instance-made-public',
  title: 'RDS database made publicly accessible',
  description:
    'An RDS instance or cluster was modified to be publicly accessible, or created or restored (from a ' +
    'snapshot, a point in time, S3) as publicly accessible. Its endpoint then resolves to a public address and ' +
    'only the security group stands between the internet and the database; restoring a snapshot as a public ' +
    'instance is a known way to pull a database out.',
  severity: 'high',
  mitre: ['T1133', 'T1020'],
  tactics: ['initial-access', 'exfiltration'],
  failedCalls: 'ignored',
  panther: { rules: ['AWS.RDS.InstanceMadePublic', 'AWS.RDS.PublicRestore'] },
  runbook:
    'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html',
  remediation:
    'Make it private again: `aws rds modify-db-instance --db-instance-identifier <db> --no-publicly-accessible ' +
    '--apply-immediately` (clusters: `modify-db-cluster`; console: database → Modify → Connectivity → Not ' +
    'publicly accessible). Check its security groups for 0.0.0.0/0, rotate the master password if it was ' +
    'exposed, and review connections in the database logs.',
  actions: ['rds:ModifyDBInstance', 'rds:ModifyDBCluster', ...CREATIONS],
  match: (event) => {
    const asked = flag(request(event, 'publiclyAccessible'));
    const result = flag(response(event, 'publiclyAccessible'));
    const created = CREATIONS.has(event.action);
    if (!(asked === true || (created && result === true))) return null;
    const database = rdsDatabase(event);
    const who = actor(event);
    const how = created ? 'created as publicly accessible' : 'made publicly accessible';
    return {
      key: `${event.account}:${database.resource.id}`,
      title: `${database.label} ${how} by ${who}`,
      description:
        `${who} ${created ? `called ${event.action.slice(4)} for` : 'modified'} ${database.label} in ` +
        `${event.region ?? 'an unknown region'} with public accessibility on: its endpoint is reachable from the ` +
        'internet wherever its security groups allow.',
      resources: [database.resource],
    };
  },
});

import { rdsDatabase } from '../rds-request.js';
import { request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'rds-iam-role-added',
  title: 'IAM role attached to an RDS database',
  description:
    'An IAM role was associated with an RDS instance or cluster (S3 import/export, Lambda invocation, Comprehend...). ' +
    'The database engine then acts with that role: SQL such as `aws_s3.query_export_to_s3` or `SELECT INTO ' +
    'OUTFILE S3` can copy tables straight to S3, so a new role on a database is an exfiltration path to check.',
  severity: 'medium',
  mitre: ['T1098.001', 'T1567'],
  tactics: ['persistence', 'exfiltration'],
  failedCalls: 'ignored',
  panther: { rules: ['AWS.RDS.IAMRoleAdded'] },
  runbook: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/postgresql-s3-export-access-bucket.html',
  remediation:
    'Confirm the feature is needed and the role is scoped to the right buckets or functions. If not: `aws rds ' +
    'remove-role-from-db-instance --db-instance-identifier <db> --role-arn <role> --feature-name <feature>` ' +
    '(clusters: `remove-role-from-db-cluster`; console: database → Connectivity & security → Manage IAM roles).',
  actions: ['rds:AddRoleToDBInstance', 'rds:AddRoleToDBCluster'],
  match: (event) => {
    const database = rdsDatabase(event);
    const role = text(request(event, 'roleArn')) ?? 'an unknown role';
    const feature = text(request(event, 'featureName')) ?? 'unspecified';
    const who = actor(event);
    return {
      key: `${event.account}:${database.resource.id}:${role}`,
      title: `IAM role ${role} attached to ${database.label} by ${who}`,
      description: `${who} let ${database.label} act as ${role} (feature: ${feature}).`,
      resources: [database.resource, { type: 'AWS::IAM::Role', id: role, account: event.account }],
      context: { roleArn: role, feature },
    };
  },
});

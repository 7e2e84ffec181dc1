import { request, response, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'rds-snapshot-exported',
  title: 'RDS snapshot exported to S3',
  description:
    'StartExportTask began exporting an RDS or Aurora snapshot (or cluster) to an S3 bucket as Parquet files. ' +
    'That is the whole database, table by table, in a bucket — one step from leaving the account, and the ' +
    'bucket named in the call is where to look first.',
  severity: 'high',
  mitre: ['T1537', 'T1530'],
  tactics: ['exfiltration', 'collection'],
  failedCalls: 'ignored',
  panther: { rules: ['AWS.RDS.SnapshotExport'] },
  runbook: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ExportSnapshot.html',
  remediation:
    'Confirm the export with its owner. If unexpected: cancel it (`aws rds cancel-export-task ' +
    '--export-task-identifier <id>`), check the destination bucket policy and who read the exported files, ' +
    'and restrict rds:StartExportTask and the export role (`iamRoleArn`) to the analytics pipeline.',
  actions: ['rds:StartExportTask'],
  match: (event) => {
    const source = text(request(event, 'sourceArn')) ?? 'an unknown snapshot';
    const bucket = text(request(event, 's3BucketName')) ?? text(response(event, 's3Bucket')) ?? 'unknown';
    const prefix = text(request(event, 's3Prefix')) ?? '';
    const who = actor(event);
    return {
      key: `${event.account}:${source}`,
      title: `RDS ${source.includes(':cluster:') ? 'cluster' : 'snapshot'} ${source.split(':').at(-1)} exported to s3://${bucket} by ${who}`,
      description: `${who} started exporting ${source} to s3://${bucket}/${prefix}.`,
      resources: [
        {
          type: source.includes(':cluster:') ? 'AWS::RDS::DBCluster' : 'AWS::RDS::DBSnapshot',
          id: source,
          account: event.account,
        },
        { type: 'AWS::S3::Bucket', id: `arn:aws:s3:::${bucket}`, account: event.account },
      ],
      context: {
        bucket,
        exportRole: text(request(event, 'iamRoleArn')) ?? '',
        exportTask:
          text(request(event, 'exportTaskIdentifier')) ?? text(response(event, 'exportTaskIdentifier')) ?? '',
      },
    };
  },
});

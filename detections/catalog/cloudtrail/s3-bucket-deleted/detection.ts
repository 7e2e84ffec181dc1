import { request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 's3-bucket-deleted',
  title: 'S3 bucket deleted',
  description:
    'A bucket was deleted (it had to be empty first, so its objects went before). Routine in test accounts, ' +
    'hence logged rather than alerted; in production it destroys data and frees the bucket name for anyone to ' +
    'claim, which breaks or hijacks whatever still writes to it (log delivery, CloudFront origins).',
  severity: 'low',
  mitre: ['T1485'],
  tactics: ['impact'],
  failedCalls: 'ignored',
  panther: { rules: ['AWS.S3.BucketDeleted'] },
  runbook: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/delete-bucket.html',
  remediation:
    'Confirm the deletion was planned. If not: recreate the bucket at once under the same name (`aws s3api ' +
    'create-bucket --bucket <bucket>`) so nobody else claims it, restore its data from AWS Backup or replicas, ' +
    'and find what deleted the objects before it (DeleteObject/DeleteObjects data events).',
  actions: ['s3:DeleteBucket'],
  match: (event) => {
    const bucket = text(request(event, 'bucketName')) ?? 'unknown';
    const who = actor(event);
    return {
      key: `${event.account}:${bucket}`,
      title: `S3 bucket ${bucket} deleted by ${who}`,
      description: `${who} deleted bucket ${bucket} in account ${event.account ?? 'unknown'}.`,
      resources: [{ type: 'AWS::S3::Bucket', id: `arn:aws:s3:::${bucket}`, account: event.account }],
      context: { bucket },
    };
  },
});

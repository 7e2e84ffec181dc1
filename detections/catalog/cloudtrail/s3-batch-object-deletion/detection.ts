import { hours } from '../../../operators/index.js';
import { request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 's3-batch-object-deletion',
  title: 'S3 objects deleted in a batch',
  description:
    'DeleteObjects removed up to 1,000 objects or versions of a bucket in one request (an S3 data event, which ' +
    'does not say how many). Routine for cleanup jobs, so it is logged for correlation rather than alerted; S3 ' +
    'ransomware empties a bucket this way in a single call before uploading a ransom note ' +
    '(`s3-ransom-note-uploaded`). One finding per principal and bucket per hour.',
  severity: 'low',
  mitre: ['T1485'],
  tactics: ['impact'],
  failedCalls: 'ignored',
  dedupPeriodMs: hours(1),
  panther: { rules: ['AWS.S3.DeleteObjects'] },
  stratus: ['aws.impact.s3-ransomware-batch-deletion'],
  runbook: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/DeletingObjectVersions.html',
  remediation:
    'Confirm the caller runs a cleanup job. If not: stop it (deactivate its keys or revoke its role sessions), ' +
    'restore deleted objects by removing their delete markers or copying earlier versions back (`aws s3api ' +
    'list-object-versions --bucket <bucket>`), and protect the bucket with S3 Object Lock or a policy denying ' +
    's3:DeleteObjectVersion outside a break-glass role.',
  actions: ['s3:DeleteObjects'],
  match: (event) => {
    const bucket = text(request(event, 'bucketName')) ?? 'unknown';
    const who = actor(event);
    return {
      key: `${event.account}:${who}:${bucket}`,
      title: `Objects of S3 bucket ${bucket} deleted in a batch by ${who}`,
      description: `${who} called DeleteObjects on s3://${bucket}, deleting up to 1,000 objects or versions at once.`,
      resources: [{ type: 'AWS::S3::Bucket', id: `arn:aws:s3:::${bucket}`, account: event.account }],
      context: { bucket },
    };
  },
});

import { hours } from '../../../operators/index.js';
import { request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';
import { bucketOwners, copySource } from '../s3-request.js';

export const detection = cloudTrailRule({
  id: 's3-object-copied-to-external-account',
  title: 'S3 objects copied to a bucket of another account',
  description:
    'S3 CopyObject (or UploadPartCopy) wrote objects into a bucket owned by another AWS account, read from the ' +
    "CloudTrail record's bucket owners (S3 data events must be logged). Copying server-side into an " +
    'attacker-owned bucket moves data out without downloading it, and is how S3 ransomware crews take a copy ' +
    'before deleting. Copies into buckets of the logging account or of `trustedAccounts` are not reported; ' +
    'one finding per principal and destination bucket per hour.',
  severity: 'high',
  mitre: ['T1537'],
  tactics: ['exfiltration'],
  failedCalls: 'ignored',
  dedupPeriodMs: hours(1),
  panther: { rules: ['AWS.S3.CopyObjectToExternalAccountBucket'] },
  runbook: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies.html',
  remediation:
    'Stop the copying principal (deactivate its keys: `aws iam update-access-key --status Inactive`, or revoke ' +
    "the role's sessions in the IAM console → Roles → Revoke active sessions), list what was copied from the " +
    'data events, and restrict where data may go: a bucket policy or SCP denying s3:PutObject to buckets outside ' +
    'your organization (`aws:ResourceOrgID`), or a VPC endpoint policy limited to your buckets.',
  settings: (read) => ({ trusted: read.accountIds('trustedAccounts', []) }),
  actions: ['s3:CopyObject', 's3:UploadPartCopy'],
  match: (event, { trusted }) => {
    const own = event.account ?? event.principal?.account ?? null;
    const isOutside = (account: string) => account !== own && !trusted.includes(account);
    const owners = bucketOwners(event);
    const destination = text(request(event, 'bucketName')) ?? 'unknown';
    const destinationOwner = owners.get(destination);
    // Exports that rename buckets leave the destination unmatched: then any outside bucket of the copy counts.
    const outside =
      destinationOwner !== undefined
        ? isOutside(destinationOwner)
          ? [[destination, destinationOwner] as const]
          : []
        : [...owners].filter(([, account]) => isOutside(account));
    if (outside.length === 0) return null;
    const who = actor(event);
    const source = copySource(event);
    const targets = outside.map(([bucket, account]) => `${bucket} (account ${account})`).join(', ');
    return {
      key: `${event.account}:${who}:${outside.map(([bucket]) => bucket).join(',')}`,
      title: `S3 objects copied to ${targets} by ${who}`,
      description:
        `${who} copied ${source ? `s3://${source.bucket}/${source.key}` : 'an object'} into ${targets}, outside ` +
        `account ${own ?? 'unknown'}. Confirm the destination belongs to you; if not, the data has left.`,
      resources: outside.map(([bucket, account]) => ({
        type: 'AWS::S3::Bucket',
        id: `arn:aws:s3:::${bucket}`,
        account,
      })),
      context: {
        sourceBucket: source?.bucket ?? '',
        destinationAccounts: [...new Set(outside.map(([, account]) => account))].join(', '),
      },
    };
  },
});

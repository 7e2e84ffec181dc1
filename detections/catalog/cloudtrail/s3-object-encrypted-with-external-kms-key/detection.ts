import { hours } from '../../../operators/index.js';
import { request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';
import { bucketOwners, copySource } from '../s3-request.js';

export const detection = cloudTrailRule({
  id: 's3-object-encrypted-with-external-kms-key',
  title: 'S3 object encrypted with a KMS key of another account',
  description:
    'An object was written (PutObject, CopyObject, multipart upload) with SSE-KMS under a key whose ARN belongs ' +
    "to an account other than the bucket owner's. This is the S3 ransomware pattern: objects re-encrypted in " +
    "place with the attacker's key become unreadable the moment the attacker revokes your access to it. Keys of " +
    '`trustedAccounts` are not reported; one finding per principal and bucket per hour.',
  severity: 'high',
  mitre: ['T1486'],
  tactics: ['impact'],
  failedCalls: 'ignored',
  dedupPeriodMs: hours(1),
  panther: { rules: ['AWS.S3.CopyObject.CrossAccount.Encryption.KMS'] },
  runbook: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html',
  remediation:
    'Stop the principal at once (deactivate its keys or revoke its role sessions), then restore the previous ' +
    'object versions while the old versions still exist (`aws s3api list-object-versions`, `aws s3api copy-object ' +
    '--copy-source <bucket>/<key>?versionId=<id>`). Prevent it: a bucket policy denying s3:PutObject unless ' +
    '`s3:x-amz-server-side-encryption-aws-kms-key-id` is one of your keys, and an SCP denying kms:* on keys outside ' +
    'your organization.',
  settings: (read) => ({ trusted: read.accountIds('trustedAccounts', []) }),
  actions: ['s3:PutObject', 's3:CopyObject', 's3:CreateMultipartUpload'],
  rawContains: ['x-amz-server-side-encryption-aws-kms-key-id'],
  match: (event, { trusted }) => {
    const keyArn = text(request(event, 'x-amz-server-side-encryption-aws-kms-key-id'));
    const keyAccount = keyArn?.startsWith('arn:') ? keyArn.split(':')[4] : undefined;
    const bucket = text(request(event, 'bucketName')) ?? 'unknown';
    const owner = bucketOwners(event).get(bucket) ?? event.account;
    if (!keyAccount || !/^\d{12}$/.test(keyAccount) || keyAccount === owner || trusted.includes(keyAccount)) {
      return null;
    }
    const who = actor(event);
    const key = text(request(event, 'key')) ?? copySource(event)?.key ?? 'an object';
    return {
      key: `${event.account}:${who}:${bucket}`,
      title: `S3 objects in ${bucket} encrypted with a KMS key of account ${keyAccount} by ${who}`,
      description:
        `${who} wrote s3://${bucket}/${key} encrypted with ${keyArn}, a key of account ${keyAccount} while the ` +
        `bucket belongs to ${owner ?? 'an unknown account'}. Whoever controls that key decides whether you can ` +
        'read the object again.',
      resources: [{ type: 'AWS::S3::Bucket', id: `arn:aws:s3:::${bucket}`, account: owner }],
      context: { kmsKey: keyArn ?? '', keyAccount },
    };
  },
});

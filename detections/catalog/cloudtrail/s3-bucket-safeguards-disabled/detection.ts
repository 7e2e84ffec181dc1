import type { SecurityEvent, Severity } from '../../../../schemas/types.js';
import { at, request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

/** One protection a call removed from a bucket, and how much that matters. */
interface Removed {
  what: string;
  severity: Severity;
}

const RANK: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

export const detection = cloudTrailRule({
  id: 's3-bucket-safeguards-disabled',
  title: 'S3 bucket safeguards turned off',
  description:
    'A bucket lost a protection that keeps its data recoverable or its access visible: versioning suspended, ' +
    'MFA delete disabled, replication removed (medium), server access logging disabled or default encryption ' +
    'deleted (low). Ransomware crews and insiders switch these off before deleting or overwriting data; ' +
    'several on one bucket in a short time is a strong signal.',
  severity: 'medium',
  mitre: ['T1490', 'T1562.008'],
  tactics: ['impact', 'defense-evasion'],
  failedCalls: 'ignored',
  panther: {
    rules: [
      'AWS.S3.DisableMfaDelete',
      'AWS.S3.DisableBucketLogging',
      'AWS.S3.SecurityControlDisabling',
      'AWS.S3.DeleteBucketEncryption',
      'AWS.S3.DeleteBucketReplication',
    ],
    differences: [
      {
        rule: 'AWS.S3.DisableMfaDelete',
        test: 'Different S3 Event',
        reason:
          'The test is a DeleteBucketEncryption; shardwatch reports removed default encryption in this same ' +
          'safeguards detection (Panther has a separate rule for it, AWS.S3.DeleteBucketEncryption).',
      },
    ],
  },
  runbook: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html',
  remediation:
    'Turn the protection back on: versioning `aws s3api put-bucket-versioning --bucket <bucket> ' +
    '--versioning-configuration Status=Enabled` (MFA delete needs the root user: add `MFADelete=Enabled` and ' +
    '`--mfa`), logging `aws s3api put-bucket-logging`, encryption `aws s3api put-bucket-encryption`, replication ' +
    'from IaC (console: bucket → Properties / Management). Then look for deletions or overwrites since the change ' +
    'and restrict these calls to a break-glass role with an SCP.',
  actions: [
    's3:PutBucketVersioning',
    's3:PutBucketLogging',
    's3:DeleteBucketEncryption',
    's3:DeleteBucketReplication',
  ],
  match: (event) => {
    const removed = removedSafeguards(event);
    if (removed.length === 0) return null;
    const bucket = text(request(event, 'bucketName')) ?? 'unknown';
    const what = removed.map((entry) => entry.what).join(', ');
    const who = actor(event);
    return {
      key: `${event.account}:${bucket}`,
      title: `S3 bucket ${bucket}: ${what} by ${who}`,
      description:
        `${who} changed bucket ${bucket} in account ${event.account ?? 'unknown'}: ${what}. Data in it is now ` +
        'easier to destroy for good, or its access is no longer recorded.',
      severity: removed.reduce(
        (worst, entry) => (RANK[entry.severity] > RANK[worst] ? entry.severity : worst),
        'info' as Severity,
      ),
      resources: [{ type: 'AWS::S3::Bucket', id: `arn:aws:s3:::${bucket}`, account: event.account }],
      context: { bucket, removed: what },
    };
  },
});

function removedSafeguards(event: SecurityEvent): Removed[] {
  switch (event.action) {
    case 's3:PutBucketVersioning': {
      const configuration = request(event, 'VersioningConfiguration');
      const status = text(at(configuration, 'Status'))?.toLowerCase();
      const removed: Removed[] = [];
      if (status === 'suspended' || status === 'disabled') {
        removed.push({ what: 'versioning suspended', severity: 'medium' });
      }
      if (text(at(configuration, 'MfaDelete'))?.toLowerCase() === 'disabled') {
        removed.push({ what: 'MFA delete disabled', severity: 'medium' });
      }
      return removed;
    }
    case 's3:PutBucketLogging': {
      // Logging is turned off by a BucketLoggingStatus without LoggingEnabled.
      const status = request(event, 'BucketLoggingStatus');
      const off = status !== null && typeof status === 'object' && at(status, 'LoggingEnabled') === undefined;
      return off ? [{ what: 'server access logging disabled', severity: 'low' }] : [];
    }
    case 's3:DeleteBucketEncryption':
      return [{ what: 'default encryption deleted', severity: 'low' }];
    case 's3:DeleteBucketReplication':
      return [{ what: 'replication removed', severity: 'medium' }];
    default:
      return [];
  }
}

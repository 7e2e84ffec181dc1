import { principalLabel } from '../../../finding.js';
import { cloudTrailBurst } from '../burst.js';
import { request, text } from '../record.js';

export const detection = cloudTrailBurst({
  id: 's3-object-deletion-burst',
  title: 'Many S3 objects deleted one by one',
  description:
    'One principal deleted at least 25 distinct objects (or object versions) of one bucket with DeleteObject ' +
    'within 5 minutes. Deleting every version of every object is how S3 ransomware empties a versioned bucket ' +
    'before leaving a ransom note; versioning does not help once the versions themselves are deleted. Needs S3 ' +
    'data events; threshold and window are params. Batch deletion is `s3-batch-object-deletion`.',
  severity: 'high',
  mitre: ['T1485', 'T1490'],
  tactics: ['impact'],
  failedCalls: 'ignored',
  stratus: ['aws.impact.s3-ransomware-individual-deletion'],
  runbook: 'https://aws.amazon.com/blogs/security/anatomy-of-a-ransomware-event-targeting-data-in-amazon-s3/',
  remediation:
    'If the deletions are not a planned cleanup, stop the principal (deactivate its keys or revoke its role ' +
    'sessions), restore what is left from object versions or AWS Backup (`aws s3api list-object-versions ' +
    '--bucket <bucket>`), and protect critical buckets with S3 Object Lock, MFA delete or a bucket policy ' +
    'denying s3:DeleteObjectVersion outside a break-glass role.',
  actions: ['s3:DeleteObject'],
  key: (event) => {
    const bucket = text(request(event, 'bucketName'));
    return bucket === null ? null : `${event.account}|${principalLabel(event) ?? 'unknown'}|${bucket}`;
  },
  distinct: (event) => {
    const key = text(request(event, 'key'));
    const version = text(request(event, 'versionId'));
    return key === null ? null : version === null ? key : `${key}?versionId=${version}`;
  },
  atLeast: 25,
  windowMinutes: 5,
  finding: (burst) => {
    const [account, who, bucket] = burst.key.split('|');
    const versions = burst.values.filter((value) => value.includes('?versionId=')).length;
    return {
      title: `${burst.values.length} objects deleted from S3 bucket ${bucket} by ${who} within ${minutes(burst.windowMinutes)}`,
      description:
        `${who} deleted ${burst.values.length} distinct objects of s3://${bucket}` +
        `${versions > 0 ? `, ${versions} of them by version id (permanently)` : ''}, within ` +
        `${minutes(burst.windowMinutes)}. Check that this is a planned cleanup.`,
      resources: [{ type: 'AWS::S3::Bucket', id: `arn:aws:s3:::${bucket}`, account: account ?? null }],
      context: { bucket: bucket ?? '', objects: String(burst.values.length), versions: String(versions) },
    };
  },
});

function minutes(count: number): string {
  return `${count} minute${count === 1 ? '' : 's'}`;
}

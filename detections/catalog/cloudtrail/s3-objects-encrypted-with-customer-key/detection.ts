import { principalLabel } from '../../../finding.js';
import { cloudTrailBurst } from '../burst.js';
import { request, text } from '../record.js';
import { copySource, targetObject } from '../s3-request.js';

export const detection = cloudTrailBurst({
  id: 's3-objects-encrypted-with-customer-key',
  title: 'S3 objects re-encrypted in place with a customer-provided key',
  description:
    'One principal rewrote at least 10 objects of a bucket within 10 minutes with CopyObject from the same ' +
    'bucket and SSE-C (`x-amz-server-side-encryption-customer-algorithm`), i.e. encrypted them with a key only ' +
    'the caller holds. That is S3 ransomware through "client-side" encryption: nobody without the key can read ' +
    'the objects any more, and AWS keeps no copy of it. Needs S3 data events; threshold and window are params.',
  severity: 'high',
  mitre: ['T1486'],
  tactics: ['impact'],
  failedCalls: 'ignored',
  stratus: ['aws.impact.s3-ransomware-client-side-encryption'],
  runbook: 'https://aws.amazon.com/blogs/security/anatomy-of-a-ransomware-event-targeting-data-in-amazon-s3/',
  remediation:
    'Stop the principal at once (deactivate its keys: `aws iam update-access-key --status Inactive`; roles: ' +
    'revoke active sessions), then restore the previous object versions (`aws s3api list-object-versions`, copy ' +
    'the version before the SSE-C rewrite back). Block SSE-C where nobody uses it: a bucket policy denying ' +
    's3:PutObject when the `s3:x-amz-server-side-encryption-customer-algorithm` condition key is present ' +
    '(`"Null": {"s3:x-amz-server-side-encryption-customer-algorithm": "false"}`).',
  actions: ['s3:CopyObject'],
  rawContains: ['x-amz-server-side-encryption-customer-algorithm'],
  include: (event) => {
    const source = copySource(event);
    return (
      text(request(event, 'x-amz-server-side-encryption-customer-algorithm')) !== null &&
      source !== null &&
      source.bucket === targetObject(event)?.bucket
    );
  },
  key: (event) => {
    const bucket = text(request(event, 'bucketName'));
    return bucket === null ? null : `${event.account}|${principalLabel(event) ?? 'unknown'}|${bucket}`;
  },
  distinct: (event) => text(request(event, 'key')),
  atLeast: 10,
  windowMinutes: 10,
  finding: (burst) => {
    const [account, who, bucket] = burst.key.split('|');
    return {
      title: `${burst.values.length} objects of S3 bucket ${bucket} re-encrypted with a customer-provided key by ${who}`,
      description:
        `${who} copied ${burst.values.length} objects of s3://${bucket} onto themselves with SSE-C within ` +
        `${burst.windowMinutes} minute${burst.windowMinutes === 1 ? '' : 's'} (${burst.values.slice(0, 5).join(', ')}${burst.values.length > 5 ? ', ...' : ''}). ` +
        'Unless this is a planned re-encryption, treat it as ransomware in progress.',
      resources: [{ type: 'AWS::S3::Bucket', id: `arn:aws:s3:::${bucket}`, account: account ?? null }],
      context: { bucket: bucket ?? '', objects: String(burst.values.length) },
    };
  },
});

import type { JsonValue, SecurityEvent } from '../../../../schemas/types.js';
import { type Exposure, exposureMatch } from '../exposure.js';
import { at, items, request, text } from '../record.js';
import { cloudTrailRule } from '../rule.js';

const PUBLIC_GROUPS = [
  'http://acs.amazonaws.com/groups/global/AllUsers',
  // Any AWS account at all, which is as good as anyone.
  'http://acs.amazonaws.com/groups/global/AuthenticatedUsers',
];
const PUBLIC_CANNED_ACLS = ['public-read', 'public-read-write', 'authenticated-read'];
const GRANT_HEADERS = [
  'x-amz-grant-read',
  'x-amz-grant-write',
  'x-amz-grant-read-acp',
  'x-amz-grant-write-acp',
  'x-amz-grant-full-control',
];
// CloudFront's log delivery account: standard logging to a bucket grants it FULL_CONTROL by design.
const AWS_LOG_DELIVERY = 'c4c1ede66af53448b93c283ce9448c4ba468c9432aa01d700d3878632f77d2d0';

export const detection = cloudTrailRule({
  id: 's3-bucket-acl-opened',
  title: 'S3 bucket or object ACL opened to the public or another account',
  description:
    'A bucket or object ACL now grants access to AllUsers or AuthenticatedUsers (anyone with any AWS ' +
    'account), through a canned ACL (`public-read`, `public-read-write`, `authenticated-read`), a grant header ' +
    '(`x-amz-grant-*: uri=…AllUsers`) or an AccessControlPolicy document — or to another account (a ' +
    'canonical user other than the owner, an e-mail grantee). ACLs bypass the bucket policy you review, so they ' +
    'are a quiet way to publish or hand out data.',
  severity: 'high',
  mitre: ['T1537', 'T1530'],
  tactics: ['exfiltration'],
  failedCalls: 'ignored',
  runbook: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html',
  remediation:
    'Reset the ACL to private: `aws s3api put-bucket-acl --bucket <bucket> --acl private` (objects: `aws s3api ' +
    'put-object-acl --bucket <bucket> --key <key> --acl private`; console: bucket → Permissions → Access control ' +
    'list). Then disable ACLs altogether with Object Ownership "Bucket owner enforced" (`aws s3api ' +
    'put-bucket-ownership-controls --bucket <bucket> --ownership-controls Rules=[{ObjectOwnership=BucketOwnerEnforced}]`) ' +
    'and keep S3 Block Public Access on at the account level.',
  actions: ['s3:PutBucketAcl', 's3:PutObjectAcl'],
  match: (event) => {
    const bucket = text(request(event, 'bucketName')) ?? 'unknown';
    const object = event.action === 's3:PutObjectAcl' ? text(request(event, 'key')) : null;
    const resource = object
      ? { label: `S3 object ${bucket}/${object}`, type: 'AWS::S3::Object', through: 'object ACL' }
      : { label: `S3 bucket ${bucket}`, type: 'AWS::S3::Bucket', through: 'bucket ACL' };
    const id = `arn:aws:s3:::${bucket}${object ? `/${object}` : ''}`;
    return exposureMatch(event, { ...resource, id }, aclExposure(event));
  },
});

/** Who the ACL of a PutBucketAcl / PutObjectAcl call lets in, from its headers and its document. */
function aclExposure(event: SecurityEvent): Exposure {
  const outside = new Set<string>();
  let isPublic = headerValues(request(event, 'x-amz-acl')).some((acl) =>
    PUBLIC_CANNED_ACLS.includes(acl.toLowerCase()),
  );
  for (const header of GRANT_HEADERS) {
    for (const grantee of headerValues(request(event, header)).flatMap((value) => value.split(','))) {
      const [kind = '', raw = ''] = grantee.split('=', 2).map((part) => part.trim());
      const value = raw.replace(/^"|"$/g, '');
      if (kind.toLowerCase() === 'uri' && PUBLIC_GROUPS.includes(value)) isPublic = true;
      if (kind.toLowerCase() === 'emailaddress' && value !== '') outside.add(`e-mail grantee ${value}`);
    }
  }
  const policy = request(event, 'AccessControlPolicy');
  const owner = text(at(policy, 'Owner', 'ID'));
  const list = at(policy, 'AccessControlList');
  for (const grant of [
    ...items(at(list, 'Grant')),
    ...asList(at(list, 'Grant')),
    ...items(at(policy, 'Grants')),
  ]) {
    const grantee = at(grant, 'Grantee');
    const uri = text(at(grantee, 'URI'));
    const canonical = text(at(grantee, 'ID'));
    const email = text(at(grantee, 'EmailAddress'));
    if (uri !== null && PUBLIC_GROUPS.includes(uri)) isPublic = true;
    if (canonical !== null && owner !== null && canonical !== owner && canonical !== AWS_LOG_DELIVERY) {
      outside.add(`canonical user ${canonical}`);
    }
    if (email !== null) outside.add(`e-mail grantee ${email}`);
  }
  return { public: isPublic, outside: [...outside].sort() };
}

/** CloudTrail writes S3 request headers as one-element lists (`["public-read"]`), sometimes as strings. */
function headerValues(value: JsonValue | undefined): string[] {
  return (Array.isArray(value) ? value : [value]).map(text).filter((entry) => entry !== null);
}

/** A single XML element becomes an object, several a list: `Grant` is either. */
function asList(value: JsonValue | undefined): JsonValue[] {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !('items' in value)
    ? [value]
    : [];
}

import type { JsonValue } from '../../../../schemas/types.js';
import { at, request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

const SETTINGS = [
  'BlockPublicAcls',
  'IgnorePublicAcls',
  'BlockPublicPolicy',
  'RestrictPublicBuckets',
] as const;

export const detection = cloudTrailRule({
  id: 's3-public-access-block-removed',
  title: 'S3 Block Public Access removed or weakened',
  description:
    'S3 Block Public Access was deleted or put with settings turned off, for one bucket or for the whole ' +
    'account (s3control PutAccountPublicAccessBlock / DeleteAccountPublicAccessBlock). It is the guard rail ' +
    'that stops a bucket policy or ACL from making data public; attackers remove it right before opening a ' +
    'bucket. A setting left out of a Put counts as off, as AWS applies it. Account level is high, bucket level medium.',
  severity: 'high',
  mitre: ['T1562.001', 'T1530'],
  tactics: ['defense-evasion', 'exfiltration'],
  failedCalls: 'ignored',
  panther: { rules: ['AWS.S3.DeletePublicAccessBlock'] },
  runbook: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html',
  remediation:
    'Turn all four settings back on: account `aws s3control put-public-access-block --account-id <account> ' +
    '--public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,' +
    'RestrictPublicBuckets=true`, bucket `aws s3api put-public-access-block --bucket <bucket> ' +
    '--public-access-block-configuration ...` (console: S3 → Block Public Access settings for this account, or ' +
    'bucket → Permissions). Check the bucket policies and ACLs changed since, and deny s3:PutAccountPublicAccessBlock ' +
    'with an SCP outside a break-glass role.',
  actions: [
    's3:DeleteBucketPublicAccessBlock',
    's3:PutBucketPublicAccessBlock',
    's3:DeleteAccountPublicAccessBlock',
    's3:PutAccountPublicAccessBlock',
  ],
  match: (event) => {
    const accountLevel = event.action.includes('Account');
    const removed = event.action.startsWith('s3:Delete');
    const off = removed ? [...SETTINGS] : settingsOff(request(event, 'PublicAccessBlockConfiguration'));
    if (off === null || off.length === 0) return null;
    const bucket = text(request(event, 'bucketName')) ?? 'unknown';
    const scope = accountLevel ? `account ${event.account ?? 'unknown'}` : `bucket ${bucket}`;
    const change = removed ? 'removed' : `weakened (${off.join(', ')} off)`;
    const who = actor(event);
    return {
      key: `${event.account}:${accountLevel ? 'account' : bucket}`,
      title: `S3 Block Public Access ${change} for ${scope} by ${who}`,
      description:
        `${who} ${removed ? 'deleted' : 'changed'} the S3 Block Public Access configuration of ${scope}; ` +
        `${off.join(', ')} no longer apply, so ${accountLevel ? 'any bucket of the account' : 'the bucket'} can ` +
        'now be made public by a policy or ACL.',
      severity: accountLevel ? 'high' : 'medium',
      resources: [
        accountLevel
          ? { type: 'AWS::::Account', id: event.account ?? 'unknown', account: event.account }
          : { type: 'AWS::S3::Bucket', id: `arn:aws:s3:::${bucket}`, account: event.account },
      ],
      context: { scope: accountLevel ? 'account' : 'bucket', settingsOff: off.join(', ') },
    };
  },
});

/** The settings a Put leaves off (false, "false" or absent); null when the call carries no configuration. */
function settingsOff(configuration: JsonValue | undefined): string[] | null {
  if (configuration === null || typeof configuration !== 'object' || Array.isArray(configuration))
    return null;
  return SETTINGS.filter((setting) => {
    const value = at(configuration, setting);
    return value !== true && value !== 'true' && value !== 'TRUE';
  });
}

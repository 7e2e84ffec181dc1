import { filter, map } from 'rxjs';
import type { SecurityEvent } from '../../../../schemas/types.js';
import type { Detection } from '../../../api.js';
import { buildFinding, principalLabel } from '../../../finding.js';
import { hours, minutes, type SequenceMatch, sequence } from '../../../operators/index.js';
import { request, succeeded, text } from '../../cloudtrail/record.js';
import { detection as resourcePolicyOpened } from '../../cloudtrail/resource-policy-opened/detection.js';
import { detection as bucketAclOpened } from '../../cloudtrail/s3-bucket-acl-opened/detection.js';
import { detection as blockRemoved } from '../../cloudtrail/s3-public-access-block-removed/detection.js';
import { paramReader } from '../../params.js';
import { ruleFindings } from '../rule-findings.js';
import type { CorrelationShape } from '../shape.js';
import { story } from '../story.js';

const ID = 's3-bucket-exposed-after-block-removed';

/**
 * `withinMinutes`: from the Block Public Access change to the policy or ACL that made the bucket public (an hour,
 * so the sequence fits the consumer's default checkpoint horizon).
 */
export const DEFAULT_PARAMS = { withinMinutes: 60 };

export const shape: CorrelationShape = {
  window: '2-step sequence within 60 min',
  key: 'bucket',
  partitionKey: 'bucket',
};

const BLOCK_ACTIONS = ['s3:DeleteBucketPublicAccessBlock', 's3:PutBucketPublicAccessBlock'];
const OPEN_ACTIONS = ['s3:PutBucketPolicy', 's3:PutBucketAcl'];

/**
 * Block Public Access removed from a bucket, then the bucket made public by its policy or ACL: the guard rail
 * taken down on purpose to publish data. Built on the catalog's own single-event rules for both steps.
 */
export const detection: Detection = {
  id: ID,
  title: 'S3 bucket made public right after its Block Public Access was removed',
  description:
    "A bucket's S3 Block Public Access was deleted or weakened, and within the hour a bucket policy or ACL " +
    'made the bucket readable by anyone. Block Public Access exists to stop exactly that second step; removing it ' +
    'first is what someone does who means to publish the data (exfiltration through a public bucket), not a ' +
    'mistake in a policy.',
  severity: 'critical',
  mitre: ['T1530', 'T1562.001', 'T1537'],
  tactics: ['exfiltration', 'defense-evasion'],
  failedCalls: 'ignored',
  runbook: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html',
  remediation:
    'Turn Block Public Access back on for the bucket (`aws s3api put-public-access-block --bucket <bucket> ' +
    '--public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,' +
    'RestrictPublicBuckets=true`; console: S3 → bucket → Permissions), remove the public statement or grant, ' +
    'check the S3 server access logs or CloudTrail data events for reads since, and deny ' +
    's3:PutBucketPublicAccessBlock outside a break-glass role with an SCP.',
  routes: [{ source: 'cloudtrail', actions: [...BLOCK_ACTIONS, ...OPEN_ACTIONS] }],
  dedupPeriodMs: hours(24),
  stateful: { partitionKey: (event) => (succeeded(event) ? bucketOf(event) : null) },
  operator: (context) => {
    const withinMinutes = paramReader(ID, context.params).positiveInteger(
      'withinMinutes',
      DEFAULT_PARAMS.withinMinutes,
    );
    const removed = ruleFindings(blockRemoved, context);
    const aclOpened = ruleFindings(bucketAclOpened, context);
    const policyOpened = ruleFindings(resourcePolicyOpened, context);
    const isPublic = (event: SecurityEvent) =>
      (event.action === 's3:PutBucketAcl' ? aclOpened(event) : policyOpened(event)).some(
        (finding) => finding.severity === 'critical',
      );
    const opensBlock = (event: SecurityEvent) =>
      removed(event).some((finding) => finding.context.scope === 'bucket');
    return (events) =>
      events.pipe(
        filter(succeeded),
        sequence({
          clock: context.clock,
          first: (event) =>
            BLOCK_ACTIONS.includes(event.action) && opensBlock(event) ? bucketKey(event) : null,
          // biome-ignore lint/suspicious/noThenProperty: the sequence contract names the pair first/then; never awaited
          then: (event) => (OPEN_ACTIONS.includes(event.action) && isPublic(event) ? bucketKey(event) : null),
          within: minutes(withinMinutes),
        }),
        map(exposedFinding),
      );
  },
};

function bucketOf(event: SecurityEvent): string | null {
  return text(request(event, 'bucketName'));
}

function bucketKey(event: SecurityEvent): string | null {
  const bucket = bucketOf(event);
  return bucket === null ? null : `${event.account ?? ''}/${bucket}`;
}

function exposedFinding({ key, first, then }: SequenceMatch<SecurityEvent, SecurityEvent>) {
  const bucket = bucketOf(then) ?? key;
  const told = story([
    { name: 'Block Public Access removed', events: [first] },
    { name: then.action === 's3:PutBucketAcl' ? 'ACL made public' : 'policy made public', events: [then] },
  ]);
  const who = principalLabel(then) ?? 'an unknown principal';
  return buildFinding(detection, {
    key,
    trigger: then,
    events: told.events,
    // One occurrence of the sequence: the dedup roll-up then counts the occurrences.
    count: 1,
    title: `S3 bucket ${bucket} made public by ${who} after its Block Public Access was removed`,
    description: `${told.summary}. Anyone on the internet can now read ${bucket}.`,
    resources: [{ type: 'AWS::S3::Bucket', id: `arn:aws:s3:::${bucket}`, account: then.account }],
    context: { ...told.context, bucket },
  });
}

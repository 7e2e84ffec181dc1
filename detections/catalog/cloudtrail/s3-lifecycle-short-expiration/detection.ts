import type { JsonValue, SecurityEvent } from '../../../../schemas/types.js';
import { globMatcher } from '../glob.js';
import { at, integer, items, request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

const DAY_MS = 86_400_000;

export const detection = cloudTrailRule({
  id: 's3-lifecycle-short-expiration',
  title: 'S3 lifecycle rule deletes objects after a short time',
  description:
    'A lifecycle configuration was put with an enabled rule that expires current or noncurrent object versions ' +
    'within `maxDays` days (default 7), or on a date that near. On a bucket that holds logs (`logBuckets` globs, ' +
    'default `*cloudtrail*`, `*cloud-trail*`: list your trail and log archive buckets there) any expiration ' +
    'shorter than `minLogRetentionDays` (default 365) is critical: it silently deletes the audit trail while ' +
    'CloudTrail keeps "logging". Without state the monitor cannot know which bucket a trail writes to, hence the ' +
    'list; elsewhere a short expiration destroys data and is reported as medium.',
  severity: 'medium',
  mitre: ['T1562.008', 'T1485'],
  tactics: ['defense-evasion', 'impact'],
  failedCalls: 'ignored',
  panther: { rules: ['AWS.CloudTrail.ShortLifecycle'] },
  stratus: ['aws.defense-evasion.cloudtrail-lifecycle-rule'],
  runbook: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lifecycle-mgmt.html',
  remediation:
    'Remove or fix the rule before it runs (expiration happens asynchronously, usually within a day): `aws ' +
    's3api delete-bucket-lifecycle --bucket <bucket>` or put the intended configuration back from IaC (console: ' +
    'bucket → Management → Lifecycle rules). Protect log buckets with S3 Object Lock in compliance mode and an ' +
    'SCP denying s3:PutLifecycleConfiguration on them outside a break-glass role.',
  settings: (read) => ({
    maxDays: read.positiveInteger('maxDays', 7),
    minLogRetentionDays: read.positiveInteger('minLogRetentionDays', 365),
    logBuckets: globMatcher(read.strings('logBuckets', ['*cloudtrail*', '*cloud-trail*'])),
  }),
  actions: ['s3:PutBucketLifecycle', 's3:PutBucketLifecycleConfiguration'],
  match: (event, settings) => {
    const bucket = text(request(event, 'bucketName')) ?? 'unknown';
    const logBucket = settings.logBuckets.test(bucket);
    const limit = logBucket ? settings.minLogRetentionDays : settings.maxDays;
    const days = shortestExpiration(event, limit);
    if (days === null) return null;
    const who = actor(event);
    const after = `${days} day${days === 1 ? '' : 's'}`;
    return {
      key: `${event.account}:${bucket}`,
      title: `S3 ${logBucket ? 'log ' : ''}bucket ${bucket} set to delete objects after ${after} by ${who}`,
      description:
        `${who} put a lifecycle rule on ${bucket} that expires objects after ${after}` +
        (logBucket
          ? `, below the ${settings.minLogRetentionDays}-day retention expected of a log bucket: the logs it ` +
            'holds will be deleted, hiding what happened.'
          : '. Everything older will be deleted for good unless that is the intent.'),
      severity: logBucket ? 'critical' : 'medium',
      resources: [{ type: 'AWS::S3::Bucket', id: `arn:aws:s3:::${bucket}`, account: event.account }],
      context: { bucket, expirationDays: String(days), logBucket: String(logBucket) },
    };
  },
});

/**
 * The shortest expiration (in days, at least 0) of the enabled rules that is within `limit` days, counting
 * `Expiration.Days`, `Expiration.Date` (from the event's time) and `NoncurrentVersionExpiration.NoncurrentDays`;
 * null when none is. `Rule` is an object for one rule, a list for several.
 */
function shortestExpiration(event: SecurityEvent, limit: number): number | null {
  const configuration = request(event, 'LifecycleConfiguration');
  const rules = [...items(at(configuration, 'Rule')), ...single(at(configuration, 'Rule'))];
  const days = rules
    .filter((rule) => text(at(rule, 'Status'))?.toLowerCase() === 'enabled')
    .flatMap((rule) => {
      const date = Date.parse(text(at(rule, 'Expiration', 'Date')) ?? '');
      return [
        integer(at(rule, 'Expiration', 'Days')),
        integer(at(rule, 'NoncurrentVersionExpiration', 'NoncurrentDays')),
        Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - event.time) / DAY_MS)),
      ];
    })
    .filter((value): value is number => value !== null && value <= limit);
  return days.length === 0 ? null : Math.min(...days);
}

function single(value: JsonValue | undefined): JsonValue[] {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !('items' in value)
    ? [value]
    : [];
}

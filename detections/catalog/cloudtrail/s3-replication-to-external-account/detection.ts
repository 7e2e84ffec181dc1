import type { JsonValue } from '../../../../schemas/types.js';
import { at, items, request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 's3-replication-to-external-account',
  title: 'S3 replication set up to another account',
  description:
    'A bucket replication configuration was put whose enabled rules send objects to a bucket of another AWS ' +
    'account (`Destination.Account`), outside `trustedAccounts`: from then on every new object is copied out ' +
    'automatically, by AWS, with no further API call to notice. Rules naming only a destination bucket, whose ' +
    'owner the call does not state, are logged at low severity so they can be checked.',
  severity: 'high',
  mitre: ['T1537'],
  tactics: ['exfiltration'],
  failedCalls: 'ignored',
  runbook: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-walkthrough-2.html',
  remediation:
    'If the destination account is not yours, remove the rule at once: `aws s3api delete-bucket-replication ' +
    '--bucket <bucket>` (console: bucket → Management → Replication rules), then list what was replicated (S3 ' +
    'replication metrics or the destination in the data events) and review the replication role. Restrict ' +
    's3:PutReplicationConfiguration with an SCP, and destinations with `s3:ResourceAccount` conditions on the role.',
  settings: (read) => ({ trusted: read.accountIds('trustedAccounts', []) }),
  actions: ['s3:PutBucketReplication'],
  match: (event, { trusted }) => {
    const configuration = request(event, 'ReplicationConfiguration');
    const destinations = replicationRules(configuration)
      .filter((rule) => text(at(rule, 'Status'))?.toLowerCase() !== 'disabled')
      .map((rule) => ({
        bucket: text(at(rule, 'Destination', 'Bucket')) ?? 'unknown bucket',
        account: text(at(rule, 'Destination', 'Account')),
      }));
    const outside = destinations.filter(
      ({ account }) => account !== null && account !== event.account && !trusted.includes(account),
    );
    const unstated = destinations.filter(({ account }) => account === null);
    if (outside.length === 0 && unstated.length === 0) return null;
    const bucket = text(request(event, 'bucketName')) ?? 'unknown';
    const who = actor(event);
    const shown = outside.length > 0 ? outside : unstated;
    const targets = shown
      .map((d) => (d.account ? `${d.bucket} (account ${d.account})` : d.bucket))
      .join(', ');
    return {
      key: `${event.account}:${bucket}`,
      title:
        outside.length > 0
          ? `S3 bucket ${bucket} replicated to another account: ${targets}, by ${who}`
          : `S3 bucket ${bucket} replicated to ${targets} (owner not stated) by ${who}`,
      description:
        `${who} configured replication of bucket ${bucket} to ${targets}. ` +
        (outside.length > 0
          ? 'New objects now leave the account automatically.'
          : 'The call does not say which account owns the destination; check that it is yours.'),
      severity: outside.length > 0 ? 'high' : 'low',
      resources: [{ type: 'AWS::S3::Bucket', id: `arn:aws:s3:::${bucket}`, account: event.account }],
      context: {
        destinations: targets,
        replicationRole: text(at(configuration, 'Role')) ?? '',
      },
    };
  },
});

/** `Rule` is an object for one rule and a list for several. */
function replicationRules(configuration: JsonValue | undefined): JsonValue[] {
  const rule = at(configuration, 'Rule');
  return rule !== null && typeof rule === 'object' && !Array.isArray(rule) ? [rule] : items(rule);
}

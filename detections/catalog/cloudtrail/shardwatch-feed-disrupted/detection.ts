import type { SecurityEvent } from '../../../../schemas/types.js';
import { successOrDenied } from '../denied-attempts.js';
import { lastPathSegment } from '../instance-launch.js';
import { nameMatcher } from '../name-matcher.js';
import { request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const DEFAULT_PARAMS = {
  feedLogGroups: ['aws-cloudtrail-logs*'],
  feedResources: ['*shardwatch*'],
};

interface Feed {
  isFeedLogGroup: (name: string | null) => boolean;
  isFeedResource: (name: string | null) => boolean;
}

export const detection = cloudTrailRule({
  id: 'shardwatch-feed-disrupted',
  title: 'The log feed of this monitor disrupted',
  description:
    'A call cut what feeds shardwatch or carries its findings: the subscription filter of a CloudTrail log group ' +
    'deleted or redirected, that log group deleted, the EventBridge rule forwarding CloudTrail or GuardDuty ' +
    'disabled, deleted or stripped of its targets, the Kinesis stream deleted, its retention cut or the ' +
    'enhanced fan-out consumer deregistered, the lease table deleted, or the findings topic deleted. From then on ' +
    'this monitor sees nothing, so the call itself is the last warning. Which names are the feed is set by ' +
    '`feedLogGroups` and `feedResources` (globs; default the CloudTrail log groups and anything named ' +
    '`*shardwatch*`). A call refused for lack of permission counts.',
  severity: 'critical',
  mitre: ['T1562.008', 'T1562.001'],
  tactics: ['defense-evasion'],
  failedCalls: 'counted',
  runbook:
    'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html#DestinationKinesisExample',
  remediation:
    'Restore the feed from IaC at once: `aws logs put-subscription-filter --log-group-name <group> --filter-name ' +
    '<name> --filter-pattern "" --destination-arn <stream-arn> --role-arn <role>`, `aws events enable-rule --name ' +
    '<rule>` / `aws events put-targets`, recreate the stream, lease table or topic; then replay the gap from the ' +
    'CloudTrail S3 files (`shardwatch replay s3-export/`). Treat the caller as compromised, and deny these calls on ' +
    "the feed's resources to everyone but the deployment role with an SCP.",
  actions: [
    'logs:DeleteSubscriptionFilter',
    'logs:PutSubscriptionFilter',
    'logs:DeleteLogGroup',
    'events:DisableRule',
    'events:DeleteRule',
    'events:RemoveTargets',
    'events:PutRule',
    'kinesis:DeleteStream',
    'kinesis:DecreaseStreamRetentionPeriod',
    'kinesis:DeregisterStreamConsumer',
    'dynamodb:DeleteTable',
    'sns:DeleteTopic',
  ],
  settings: (read): Feed => ({
    isFeedLogGroup: nameMatcher(read.strings('feedLogGroups', DEFAULT_PARAMS.feedLogGroups)),
    isFeedResource: nameMatcher(read.strings('feedResources', DEFAULT_PARAMS.feedResources)),
  }),
  match: successOrDenied((event, feed: Feed) => {
    const cut = disruptionOf(event, feed);
    if (cut === null) return null;
    const who = actor(event);
    return {
      key: `${event.account}:${event.region}:${cut.resource}`,
      severity: event.errorCode === null ? 'critical' : 'high',
      title: `shardwatch feed: ${cut.what} by ${who}`,
      description: `${who} called ${event.action} in ${event.region ?? 'an unknown region'}: ${cut.what}. shardwatch stops receiving events (or delivering findings) from there.`,
      resources: [{ type: cut.type, id: cut.resource, account: event.account }],
      context: { resource: cut.resource, change: cut.what },
    };
  }),
});

function disruptionOf(
  event: SecurityEvent,
  feed: Feed,
): { what: string; resource: string; type: string } | null {
  const param = (name: string) => text(request(event, name));
  const logGroup = param('logGroupName');
  const filter = param('filterName');
  const group = { type: 'AWS::Logs::LogGroup', resource: logGroup ?? 'unknown' };
  switch (event.action) {
    case 'logs:DeleteSubscriptionFilter':
      return feed.isFeedLogGroup(logGroup) || feed.isFeedResource(filter)
        ? {
            ...group,
            what: `subscription filter ${filter ?? 'unknown'} deleted from ${logGroup ?? 'a log group'}`,
          }
        : null;
    case 'logs:PutSubscriptionFilter': {
      const destination = param('destinationArn');
      const redirected =
        feed.isFeedResource(filter) && !feed.isFeedResource(lastPathSegment(destination ?? ''));
      return redirected
        ? { ...group, what: `subscription filter ${filter} redirected to ${destination ?? 'nowhere'}` }
        : null;
    }
    case 'logs:DeleteLogGroup':
      return feed.isFeedLogGroup(logGroup) ? { ...group, what: `log group ${logGroup} deleted` } : null;
    case 'events:PutRule':
      return param('state') === 'DISABLED' ? ruleCut(param('name'), 'disabled', feed) : null;
    case 'events:DisableRule':
      return ruleCut(param('name'), 'disabled', feed);
    case 'events:DeleteRule':
      return ruleCut(param('name'), 'deleted', feed);
    case 'events:RemoveTargets':
      return ruleCut(param('rule'), 'stripped of targets', feed);
    case 'dynamodb:DeleteTable':
      return nameCut(param('tableName'), 'lease table', 'deleted', 'AWS::DynamoDB::Table', feed);
    case 'sns:DeleteTopic':
      return nameCut(lastArnPart(param('topicArn')), 'findings topic', 'deleted', 'AWS::SNS::Topic', feed);
    default:
      return streamCut(event, feed);
  }
}

function ruleCut(rule: string | null, what: string, feed: Feed) {
  return nameCut(rule, 'EventBridge rule', what, 'AWS::Events::Rule', feed);
}

function nameCut(name: string | null, kind: string, what: string, type: string, feed: Feed) {
  return feed.isFeedResource(name)
    ? { what: `${kind} ${name} ${what}`, resource: name ?? 'unknown', type }
    : null;
}

function streamCut(event: SecurityEvent, feed: Feed) {
  const stream =
    text(request(event, 'streamName')) ?? lastPathSegment(text(request(event, 'streamARN')) ?? '');
  const consumer = text(request(event, 'consumerName'));
  const type = 'AWS::Kinesis::Stream';
  if (event.action === 'kinesis:DeregisterStreamConsumer') {
    return feed.isFeedResource(stream) || feed.isFeedResource(consumer)
      ? {
          what: `fan-out consumer ${consumer ?? 'unknown'} of stream ${stream} deregistered`,
          resource: stream,
          type,
        }
      : null;
  }
  if (!feed.isFeedResource(stream)) return null;
  if (event.action === 'kinesis:DeleteStream')
    return { what: `Kinesis stream ${stream} deleted`, resource: stream, type };
  const hours = text(request(event, 'retentionPeriodHours')) ?? 'fewer';
  return { what: `Kinesis stream ${stream} retention cut to ${hours} hours`, resource: stream, type };
}

/** The name at the end of an ARN whose parts are colon-separated (SNS topics). */
function lastArnPart(arn: string | null): string | null {
  return arn === null ? null : (arn.split(':').at(-1) ?? null);
}

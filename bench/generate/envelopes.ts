import type { JsonObject } from '../../schemas/types.js';
import type { CloudTrailRecord } from './cloudtrail-records.js';
import type { SeededRandom } from './random.js';

/**
 * The wrappers AWS puts around records on each delivery path (the README lists the shapes replay reads):
 * S3 log files, CloudWatch Logs subscription messages, EventBridge events.
 *
 *   s3LogFile(records)                  // {"Records":[...]}
 *   eventBridgeCloudTrail(random, record)
 */
export function s3LogFile(records: readonly CloudTrailRecord[]): JsonObject {
  return { Records: [...records] };
}

export interface LogEventInput {
  timestamp: number;
  message: string;
}

/** A CloudWatch Logs subscription DATA_MESSAGE (what one Kinesis record holds, before gzip). */
export function cloudWatchLogsMessage(
  random: SeededRandom,
  o: { owner: string; logGroup: string; logStream: string; filter: string; events: readonly LogEventInput[] },
): JsonObject {
  return {
    messageType: 'DATA_MESSAGE',
    owner: o.owner,
    logGroup: o.logGroup,
    logStream: o.logStream,
    subscriptionFilters: [o.filter],
    logEvents: o.events.map((event) => ({
      id: logEventId(random),
      timestamp: event.timestamp,
      message: event.message,
    })),
  };
}

/** The health check CloudWatch Logs sends when a subscription is created: consumers ignore it. */
export function cloudWatchLogsControlMessage(timestamp: number): JsonObject {
  return {
    messageType: 'CONTROL_MESSAGE',
    owner: 'CloudwatchLogs',
    logGroup: '',
    logStream: '',
    subscriptionFilters: [],
    logEvents: [
      { id: '', timestamp, message: 'CWL CONTROL MESSAGE: Checking health of destination Kinesis stream.' },
    ],
  };
}

/** Log event ids are 56-digit decimal strings. */
function logEventId(random: SeededRandom): string {
  let id = String(random.int(1, 10));
  while (id.length < 56) id += String(random.int(10));
  return id;
}

/** EventBridge `source` differs from the eventSource prefix for a few services. */
const EVENTBRIDGE_SOURCE: Record<string, string> = { monitoring: 'aws.cloudwatch' };

/** A CloudTrail record as EventBridge delivers it ("AWS API Call via CloudTrail" / "AWS Console Sign In via CloudTrail"). */
export function eventBridgeCloudTrail(random: SeededRandom, record: CloudTrailRecord): JsonObject {
  const service = String(record.eventSource).replace('.amazonaws.com', '');
  return {
    version: '0',
    id: random.uuid(),
    'detail-type':
      record.eventType === 'AwsConsoleSignIn'
        ? 'AWS Console Sign In via CloudTrail'
        : 'AWS API Call via CloudTrail',
    source: EVENTBRIDGE_SOURCE[service] ?? `aws.${service}`,
    account: String(record.recipientAccountId),
    time: String(record.eventTime),
    region: String(record.awsRegion),
    resources: [],
    detail: record,
  };
}

/** A GuardDuty finding as EventBridge delivers it ("GuardDuty Finding"). */
export function eventBridgeGuardDuty(random: SeededRandom, finding: JsonObject): JsonObject {
  return {
    version: '0',
    id: random.uuid(),
    'detail-type': 'GuardDuty Finding',
    source: 'aws.guardduty',
    account: String(finding.accountId),
    time: String(finding.updatedAt).replace(/\.\d{3}Z$/, 'Z'),
    region: String(finding.region),
    resources: [],
    detail: finding,
  };
}

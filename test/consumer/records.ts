import type { JsonObject } from '../../schemas/types.js';

/**
 * A successful CloudTrail CreateUser by an assumed role; `userName` carries what the test needs to recognise the
 * record (e.g. `k3:17`, partition key and counter) and `sequence` makes the event id unique.
 *
 *   const record = createUserRecord('111122223333', Date.UTC(2026, 10, 24, 9), 'k3:17', 17);
 *   await client.send(new PutRecordCommand({ StreamName: 's', PartitionKey: 'k3', Data: toData(record) }));
 */
export function createUserRecord(
  account: string,
  time: number,
  userName: string,
  sequence: number,
): JsonObject {
  return {
    eventVersion: '1.08',
    userIdentity: {
      type: 'AssumedRole',
      arn: `arn:aws:sts::${account}:assumed-role/admin/ops`,
      accountId: account,
      sessionContext: { sessionIssuer: { arn: `arn:aws:iam::${account}:role/admin` } },
    },
    eventTime: new Date(time).toISOString().replace('.000Z', 'Z'),
    eventSource: 'iam.amazonaws.com',
    eventName: 'CreateUser',
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.7',
    userAgent: 'aws-cli/2.15.0',
    requestParameters: { userName },
    responseElements: {
      user: { userName, arn: `arn:aws:iam::${account}:user/${userName}`, path: '/' },
    },
    eventID: `00000000-0000-4000-9000-${sequence.toString().padStart(12, '0')}`,
    eventType: 'AwsApiCall',
    recipientAccountId: account,
  };
}

/** A record as Kinesis data: its JSON bytes. */
export function toData(record: JsonObject): Uint8Array {
  return Buffer.from(JSON.stringify(record));
}

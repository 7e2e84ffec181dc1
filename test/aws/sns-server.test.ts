import {
  PublishBatchCommand,
  type PublishBatchRequestEntry,
  PublishCommand,
  SNSClient,
} from '@aws-sdk/client-sns';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SnsServer } from './sns-server.js';

const TOPIC = 'arn:aws:sns:us-east-1:111122223333:security-alerts';
const FIFO = 'arn:aws:sns:us-east-1:111122223333:security-alerts.fifo';

let sns: SnsServer;
let client: SNSClient;
let now: number;

beforeEach(async () => {
  now = 1_700_000_000_000;
  sns = await SnsServer.start({ now: () => now });
  client = new SNSClient({
    region: 'us-east-1',
    endpoint: sns.endpoint,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
});

afterEach(async () => {
  client.destroy();
  await sns.close();
});

function entries(count: number, extra: Partial<PublishBatchRequestEntry> = {}): PublishBatchRequestEntry[] {
  return Array.from({ length: count }, (_, n) => ({ Id: `e${n}`, Message: `message ${n}`, ...extra }));
}

/** The SDK error of a call that must fail. */
async function failure(promise: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  const error = await promise.then(
    () => expect.unreachable('the call succeeded'),
    (caught: unknown) => caught as { name: string; $metadata?: { httpStatusCode?: number } },
  );
  return { name: error.name, status: error.$metadata?.httpStatusCode };
}

describe('SnsServer (loopback SNS, query protocol)', () => {
  it('accepts Publish and PublishBatch from the real SDK client and records every message', async () => {
    const published = await client.send(
      new PublishCommand({
        TopicArn: TOPIC,
        Message: 'hello & <world>',
        Subject: 'hi',
        MessageAttributes: { severity: { DataType: 'String', StringValue: 'high' } },
      }),
    );
    const batch = await client.send(
      new PublishBatchCommand({
        TopicArn: TOPIC,
        PublishBatchRequestEntries: [
          {
            Id: 'a',
            Message: JSON.stringify({ default: 'text' }),
            MessageStructure: 'json',
            MessageAttributes: { riskScore: { DataType: 'Number', StringValue: '75' } },
          },
          { Id: 'b', Message: 'second' },
        ],
      }),
    );

    expect(published.MessageId).toBe(sns.messages[0]?.messageId);
    expect(batch.Successful?.map((entry) => entry.Id)).toEqual(['a', 'b']);
    expect(batch.Failed ?? []).toEqual([]);
    expect(
      sns.messages.map(({ messageId: _, acceptedAt, ...message }) => {
        expect(acceptedAt).toBe(now);
        return message;
      }),
    ).toEqual([
      {
        topicArn: TOPIC,
        entryId: null,
        message: 'hello & <world>',
        subject: 'hi',
        messageStructure: null,
        attributes: { severity: { dataType: 'String', value: 'high' } },
        groupId: null,
        deduplicationId: null,
      },
      {
        topicArn: TOPIC,
        entryId: 'a',
        message: '{"default":"text"}',
        subject: null,
        messageStructure: 'json',
        attributes: { riskScore: { dataType: 'Number', value: '75' } },
        groupId: null,
        deduplicationId: null,
      },
      {
        topicArn: TOPIC,
        entryId: 'b',
        message: 'second',
        subject: null,
        messageStructure: null,
        attributes: {},
        groupId: null,
        deduplicationId: null,
      },
    ]);
    expect(sns.requests.map((request) => [request.action, request.entries, request.status])).toEqual([
      ['Publish', 1, 200],
      ['PublishBatch', 2, 200],
    ]);
  });

  it('enforces the batch limits with the errors AWS returns', async () => {
    const tooMany = failure(
      client.send(new PublishBatchCommand({ TopicArn: TOPIC, PublishBatchRequestEntries: entries(11) })),
    );
    expect(await tooMany).toEqual({ name: 'TooManyEntriesInBatchRequestException', status: 400 });

    const sameIds = failure(
      client.send(
        new PublishBatchCommand({ TopicArn: TOPIC, PublishBatchRequestEntries: entries(2, { Id: 'x' }) }),
      ),
    );
    expect(await sameIds).toEqual({ name: 'BatchEntryIdsNotDistinctException', status: 400 });

    // 2 × 131,073 bytes = 262,146 > 256 KiB; one byte less each would fit exactly.
    const tooLong = failure(
      client.send(
        new PublishBatchCommand({
          TopicArn: TOPIC,
          PublishBatchRequestEntries: entries(2, { Message: 'x'.repeat(131_073) }),
        }),
      ),
    );
    expect(await tooLong).toEqual({ name: 'BatchRequestTooLongException', status: 400 });
    const fits = await client.send(
      new PublishBatchCommand({
        TopicArn: TOPIC,
        PublishBatchRequestEntries: entries(2, { Message: 'x'.repeat(131_072) }),
      }),
    );
    expect(fits.Successful).toHaveLength(2);
    expect(sns.messages).toHaveLength(2);
  });

  it('requires FIFO ids and reports duplicates within 5 minutes as successful without delivering them', async () => {
    const fifo = { MessageGroupId: '111122223333', MessageDeduplicationId: 'f1:1' };
    const first = await client.send(
      new PublishBatchCommand({
        TopicArn: FIFO,
        PublishBatchRequestEntries: [
          { Id: 'ok', Message: 'm', ...fifo },
          { Id: 'nogroup', Message: 'm', MessageDeduplicationId: 'd' },
        ],
      }),
    );
    expect(first.Successful?.map((entry) => entry.Id)).toEqual(['ok']);
    expect(first.Failed).toEqual([
      {
        Id: 'nogroup',
        Code: 'InvalidParameter',
        Message: 'Invalid parameter: The MessageGroupId parameter is required for FIFO topics',
        SenderFault: true,
      },
    ]);

    now += 4 * 60_000;
    const again = await client.send(
      new PublishBatchCommand({
        TopicArn: FIFO,
        PublishBatchRequestEntries: [{ Id: 'dup', Message: 'm', ...fifo }],
      }),
    );
    expect(again.Successful?.[0]?.MessageId).toBe(first.Successful?.[0]?.MessageId);
    expect(sns.messages).toHaveLength(1);
    expect(sns.duplicates).toHaveLength(1);

    now += 60_000; // 5 minutes after the first: a new message
    await client.send(
      new PublishBatchCommand({
        TopicArn: FIFO,
        PublishBatchRequestEntries: [{ Id: 'late', Message: 'm', ...fifo }],
      }),
    );
    expect(sns.messages.map((message) => message.entryId)).toEqual(['ok', 'late']);
  });

  it('rejects a json MessageStructure without a default entry', async () => {
    const out = await client.send(
      new PublishBatchCommand({
        TopicArn: TOPIC,
        PublishBatchRequestEntries: [{ Id: 'a', Message: '{"sqs":"x"}', MessageStructure: 'json' }],
      }),
    );
    expect(out.Failed?.map((entry) => [entry.Code, entry.SenderFault])).toEqual([['InvalidParameter', true]]);
    expect(sns.messages).toEqual([]);
  });

  it('throttles the next n requests with Throttled (HTTP 429)', async () => {
    sns.throttleNext(2);
    const batch = () =>
      client.send(new PublishBatchCommand({ TopicArn: TOPIC, PublishBatchRequestEntries: entries(1) }));
    expect(await failure(batch())).toEqual({ name: 'ThrottledException', status: 429 });
    expect(await failure(batch())).toEqual({ name: 'ThrottledException', status: 429 });
    expect((await batch()).Successful).toHaveLength(1);
    expect(sns.requests.map((request) => request.error)).toEqual(['Throttled', 'Throttled', null]);
  });

  it('fails matching entries with the given code as many times as asked', async () => {
    sns.failEntries((message) => message.message === 'message 1', 'InternalError', false, 1);
    sns.failEntries((message) => message.message === 'message 2', 'KMSAccessDenied', true);
    const first = await client.send(
      new PublishBatchCommand({ TopicArn: TOPIC, PublishBatchRequestEntries: entries(3) }),
    );
    expect(first.Successful?.map((entry) => entry.Id)).toEqual(['e0']);
    expect(first.Failed?.map((entry) => [entry.Id, entry.Code, entry.SenderFault, entry.Message])).toEqual([
      ['e1', 'InternalError', false, 'injected InternalError'],
      ['e2', 'KMSAccessDenied', true, 'injected KMSAccessDenied'],
    ]);
    const second = await client.send(
      new PublishBatchCommand({ TopicArn: TOPIC, PublishBatchRequestEntries: entries(3).slice(1) }),
    );
    expect(second.Successful?.map((entry) => entry.Id)).toEqual(['e1']);
    expect(second.Failed?.map((entry) => entry.Id)).toEqual(['e2']);
    expect(sns.messages.map((message) => message.message)).toEqual(['message 0', 'message 1']);
  });

  it('answers NotFound (HTTP 404) for a topic it was not given', async () => {
    const only = await SnsServer.start({ topics: [TOPIC] });
    const onlyClient = new SNSClient({
      region: 'us-east-1',
      endpoint: only.endpoint,
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
      maxAttempts: 1,
    });
    const missing = failure(onlyClient.send(new PublishCommand({ TopicArn: FIFO, Message: 'm' })));
    expect(await missing).toEqual({ name: 'NotFoundException', status: 404 });
    await onlyClient.send(new PublishCommand({ TopicArn: TOPIC, Message: 'm' }));
    expect(only.messages.map((message) => message.topicArn)).toEqual([TOPIC]);
    onlyClient.destroy();
    await only.close();
  });

  it('answers 503 ServiceUnavailable during an outage, then recovers', async () => {
    expect(sns.outage(30_000)).toBe(now + 30_000);
    const batch = () =>
      client.send(new PublishBatchCommand({ TopicArn: TOPIC, PublishBatchRequestEntries: entries(1) }));
    expect(await failure(batch())).toEqual({ name: 'ServiceUnavailable', status: 503 });
    now += 29_999;
    expect(await failure(batch())).toEqual({ name: 'ServiceUnavailable', status: 503 });
    now += 1;
    expect((await batch()).Successful).toHaveLength(1);
    expect(sns.messages).toHaveLength(1);
  });
});

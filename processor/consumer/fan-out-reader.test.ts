import {
  type _Record,
  type KinesisClient,
  PutRecordsCommand,
  type SubscribeToShardCommand,
  type SubscribeToShardEventStream,
  type SubscribeToShardInput,
} from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStream, type KinesisLocal, startKinesisLocal } from '../../test/kinesis/local.js';
import { FanOutReader, registerFanOutConsumer, SubscriptionError } from './fan-out-reader.js';
import type { ShardBatch } from './shard-reader.js';

const SHARD_0 = 'shardId-000000000000';
const FAST_RETRY = { maxAttempts: 30, baseDelayMs: 100, maxDelayMs: 500 };

const text = (records: readonly _Record[]): string[] =>
  records.map((r) => Buffer.from(r.Data ?? new Uint8Array()).toString('utf8'));

/** Reads batches until `count` records arrived (kinesis-local pushes one event a second). */
async function readRecords(reader: FanOutReader, count: number): Promise<string[]> {
  const seen: string[] = [];
  while (seen.length < count) seen.push(...text((await reader.read()).records));
  return seen;
}

describe('FanOutReader on kinesis-local', () => {
  let kinesis: KinesisLocal;
  let client: KinesisClient;
  beforeAll(async () => {
    kinesis = await startKinesisLocal();
    client = kinesis.client();
  }, 60_000);
  afterAll(async () => {
    client?.destroy();
    await kinesis?.stop();
  });

  const put = async (stream: string, payloads: string[]) => {
    await client.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: payloads.map((p) => ({ PartitionKey: p, Data: Buffer.from(p) })),
      }),
    );
  };

  it('registers one consumer per name: a second worker gets the same ARN', async () => {
    await createStream(client, 'register', 1);
    const first = await registerFanOutConsumer(client, 'register', 'app');
    const second = await registerFanOutConsumer(client, 'register', 'app');
    expect(second).toBe(first);
    expect(first).toMatch(/^arn:aws:kinesis:us-east-1:\d+:stream\/register\/consumer\/app:\d+$/);
  });

  it('reads what was there and what arrives later in order; a new owner resumes after the last record', async () => {
    await createStream(client, 'fan-out', 1);
    const consumerArn = await registerFanOutConsumer(client, 'fan-out', 'app');
    await put('fan-out', ['a', 'b', 'c']);
    const first = new FanOutReader({
      kinesis: client,
      consumerArn,
      shardId: SHARD_0,
      start: { type: 'TRIM_HORIZON' },
      retry: FAST_RETRY,
    });
    expect(await readRecords(first, 3)).toEqual(['a', 'b', 'c']);
    await put('fan-out', ['d']);
    const batches: ShardBatch[] = [];
    while (batches.flatMap((b) => b.records).length < 1) batches.push(await first.read());
    const last = batches.flatMap((b) => b.records).at(-1)?.SequenceNumber as string;
    expect(text(batches.flatMap((b) => b.records))).toEqual(['d']);
    expect(batches.at(-1)).toMatchObject({ millisBehindLatest: 0, shardEnd: false, childShardIds: [] });

    // The lease moves: the old subscription is closed, and the new one waits out ResourceInUseException.
    first.close();
    expect(await first.read()).toEqual({
      records: [],
      millisBehindLatest: 0,
      shardEnd: false,
      childShardIds: [],
    });
    await put('fan-out', ['e', 'f']);
    const second = new FanOutReader({
      kinesis: client,
      consumerArn,
      shardId: SHARD_0,
      start: { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: last },
      retry: FAST_RETRY,
    });
    expect(await readRecords(second, 2)).toEqual(['e', 'f']);
    second.close();
  }, 60_000);
});

/** A scripted SubscribeToShard: each call answers the next list of events, recording its starting position. */
function scriptedKinesis(subscriptions: SubscribeToShardEventStream[][]) {
  const calls: SubscribeToShardInput['StartingPosition'][] = [];
  const kinesis = {
    send: async (command: SubscribeToShardCommand) => {
      calls.push(command.input.StartingPosition);
      const events = subscriptions.shift() ?? [];
      return {
        EventStream: (async function* () {
          yield* events;
        })(),
      };
    },
  } as unknown as KinesisClient;
  return { kinesis, calls };
}

const event = (payloads: string[], continuation: string | undefined, childShards?: string[]) => ({
  SubscribeToShardEvent: {
    Records: payloads.map((p, i) => ({
      Data: Buffer.from(p),
      PartitionKey: p,
      SequenceNumber: `${continuation ?? '9'}${i}`,
    })),
    ContinuationSequenceNumber: continuation,
    MillisBehindLatest: 0,
    ...(childShards
      ? {
          ChildShards: childShards.map((ShardId) => ({
            ShardId,
            ParentShards: [SHARD_0],
            HashKeyRange: undefined,
          })),
        }
      : {}),
  },
});

describe('FanOutReader (stub Kinesis client: subscriptions that end, fail and close the shard)', () => {
  const options = (kinesis: KinesisClient) => ({
    kinesis,
    consumerArn: 'arn:consumer',
    shardId: SHARD_0,
    start: { type: 'TRIM_HORIZON' } as const,
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
    sleep: async () => {},
  });

  it('subscribes again after the continuation when a subscription ends or fails mid-stream', async () => {
    const { kinesis, calls } = scriptedKinesis([
      [event(['a'], '100')], // ends (the 5-minute limit)
      [{ InternalFailureException: { name: 'InternalFailureException', message: 'boom' } } as never],
      [event(['b'], '200'), event([], '200')],
    ]);
    const reader = new FanOutReader(options(kinesis));
    const seen: string[] = [];
    for (let i = 0; i < 3; i += 1) seen.push(...text((await reader.read()).records));
    expect(seen).toEqual(['a', 'b']);
    expect(calls).toEqual([
      { Type: 'TRIM_HORIZON' },
      { Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: '100' },
      { Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: '100' },
    ]);
  });

  it('ends the shard at the event without a continuation, naming the children sorted', async () => {
    const { kinesis } = scriptedKinesis([
      [event(['a'], '100'), event(['z'], undefined, ['shard-3', 'shard-2'])],
    ]);
    const reader = new FanOutReader(options(kinesis));
    expect((await reader.read()).shardEnd).toBe(false);
    const end = await reader.read();
    expect({ ...end, records: text(end.records) }).toEqual({
      records: ['z'],
      millisBehindLatest: 0,
      shardEnd: true,
      childShardIds: ['shard-2', 'shard-3'],
    });
    expect(await reader.read()).toEqual({
      records: [],
      millisBehindLatest: 0,
      shardEnd: true,
      childShardIds: ['shard-2', 'shard-3'],
    });
  });

  it('fails at once on a deleted stream or consumer, and after the policy on repeated failures', async () => {
    const gone = scriptedKinesis([
      [{ ResourceNotFoundException: { name: 'ResourceNotFoundException', message: 'gone' } } as never],
    ]);
    await expect(new FanOutReader(options(gone.kinesis)).read()).rejects.toThrow(
      new SubscriptionError('ResourceNotFoundException'),
    );
    const failing = { InternalFailureException: { name: 'InternalFailureException', message: 'x' } } as never;
    const flaky = scriptedKinesis([[failing], [failing], [failing], [event(['never'], '1')]]);
    await expect(new FanOutReader(options(flaky.kinesis)).read()).rejects.toThrow(
      'SubscribeToShard event stream failed: InternalFailureException',
    );
    expect(flaky.calls).toHaveLength(3);
  });
});

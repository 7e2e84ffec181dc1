import {
  type _Record,
  type KinesisClient,
  PutRecordsCommand,
  SplitShardCommand,
} from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createStream,
  type KinesisLocal,
  kinesisClient,
  startKinesisLocal,
  waitActive,
} from '../../test/kinesis/local.js';
import { type KinesisProxy, startKinesisProxy } from '../../test/kinesis/proxy.js';
import { RetriesExhaustedError } from '../sinks/retry.js';
import { type ShardBatch, ShardReader, type StartPosition } from './shard-reader.js';

const SHARD_0 = 'shardId-000000000000';
const HALF = '170141183460469231731687303715884105728'; // 2^127: splits the full hash range in two

let kinesis: KinesisLocal;
let client: KinesisClient;
let streams = 0;

beforeAll(async () => {
  kinesis = await startKinesisLocal();
  client = kinesis.client();
});
afterAll(async () => {
  client?.destroy();
  await kinesis?.stop();
});

/** A fresh one-shard stream per test, so records never mix. */
async function newStream(): Promise<string> {
  streams += 1;
  const name = `reader-${streams}`;
  await createStream(client, name, 1);
  return name;
}

/** Puts records with these payloads (in order); returns their sequence numbers. */
async function put(stream: string, payloads: string[]): Promise<string[]> {
  const out = await client.send(
    new PutRecordsCommand({
      StreamName: stream,
      Records: payloads.map((p) => ({ PartitionKey: p, Data: Buffer.from(p) })),
    }),
  );
  return (out.Records ?? []).map((r) => r.SequenceNumber ?? '');
}

function text(records: _Record[]): string[] {
  return records.map((r) => Buffer.from(r.Data ?? new Uint8Array()).toString('utf8'));
}

function reader(stream: string, start: StartPosition, over: KinesisClient = client, limit?: number) {
  const sleeps: number[] = [];
  const shardReader = new ShardReader({
    kinesis: over,
    streamName: stream,
    shardId: SHARD_0,
    start,
    ...(limit === undefined ? {} : { limit }),
    retry: { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 50 },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { shardReader, sleeps };
}

/** Reads until a read returns no records, collecting payloads. */
async function drain(shardReader: ShardReader): Promise<string[]> {
  const seen: string[] = [];
  for (let batch = await shardReader.read(); batch.records.length > 0; batch = await shardReader.read()) {
    seen.push(...text(batch.records));
  }
  return seen;
}

describe('ShardReader on kinesis-local', () => {
  it('reads from TRIM_HORIZON every record in order, pages by limit, and reports lag 0 at the tip', async () => {
    const stream = await newStream();
    const sequences = await put(stream, ['a', 'b', 'c', 'd', 'e']);
    const { shardReader } = reader(stream, { type: 'TRIM_HORIZON' }, client, 2);
    expect(shardReader.lastSequenceNumber).toBeUndefined();
    const sizes: number[] = [];
    const seen: string[] = [];
    let batch: ShardBatch;
    do {
      batch = await shardReader.read();
      sizes.push(batch.records.length);
      seen.push(...text(batch.records));
    } while (batch.records.length > 0);
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(sizes).toEqual([2, 2, 1, 0]);
    expect(shardReader.lastSequenceNumber).toBe(sequences[4]);
    expect(batch).toEqual({ records: [], millisBehindLatest: 0, shardEnd: false, childShardIds: [] });
    expect(shardReader.millisBehindLatest).toBe(0);
  });

  it('reads from LATEST only what arrives after the first read', async () => {
    const stream = await newStream();
    await put(stream, ['old-1', 'old-2']);
    const { shardReader } = reader(stream, { type: 'LATEST' });
    expect((await shardReader.read()).records).toEqual([]);
    await put(stream, ['new-1', 'new-2']);
    expect(await drain(shardReader)).toEqual(['new-1', 'new-2']);
  });

  it('reads from AT_TIMESTAMP the records that arrived at or after it', async () => {
    const stream = await newStream();
    await put(stream, ['before-1', 'before-2']);
    await new Promise((resolve) => setTimeout(resolve, 20)); // distinct arrival milliseconds
    await put(stream, ['after-1', 'after-2']);
    const all = await reader(stream, { type: 'TRIM_HORIZON' }).shardReader.read();
    const firstAfter = all.records[2]?.ApproximateArrivalTimestamp;
    expect(firstAfter).toBeInstanceOf(Date);
    expect(all.records[1]?.ApproximateArrivalTimestamp?.getTime()).toBeLessThan(firstAfter?.getTime() ?? 0);
    const { shardReader } = reader(stream, { type: 'AT_TIMESTAMP', timestamp: firstAfter as Date });
    expect(await drain(shardReader)).toEqual(['after-1', 'after-2']);
  });

  it('reads from AFTER_SEQUENCE_NUMBER the records after that one', async () => {
    const stream = await newStream();
    const sequences = await put(stream, ['a', 'b', 'c', 'd']);
    const { shardReader } = reader(stream, {
      type: 'AFTER_SEQUENCE_NUMBER',
      sequenceNumber: sequences[1] as string,
    });
    expect(await drain(shardReader)).toEqual(['c', 'd']);
    expect(shardReader.lastSequenceNumber).toBe(sequences[3]);
  });

  it('reads a split shard to its end and names its children; later reads stay at the end', async () => {
    const stream = await newStream();
    await put(stream, ['p-1', 'p-2', 'p-3']);
    await client.send(
      new SplitShardCommand({ StreamName: stream, ShardToSplit: SHARD_0, NewStartingHashKey: HALF }),
    );
    await waitActive(client, stream);
    await put(stream, ['child-1']); // lands in a child, not in the closed parent
    const { shardReader } = reader(stream, { type: 'TRIM_HORIZON' }, client, 2);
    const batches: ShardBatch[] = [];
    do batches.push(await shardReader.read());
    while (!batches[batches.length - 1]?.shardEnd);
    expect(batches.flatMap((b) => text(b.records))).toEqual(['p-1', 'p-2', 'p-3']);
    expect(batches.map((b) => [b.shardEnd, b.childShardIds])).toEqual([
      ...batches.slice(0, -1).map(() => [false, []]),
      [true, ['shardId-000000000001', 'shardId-000000000002']],
    ]);
    expect(await shardReader.read()).toEqual({
      records: [],
      millisBehindLatest: 0,
      shardEnd: true,
      childShardIds: ['shardId-000000000001', 'shardId-000000000002'],
    });
  });

  it('rejects a non-retriable error at once, without backoff', async () => {
    const stream = await newStream();
    const { shardReader, sleeps } = reader(stream, {
      type: 'AFTER_SEQUENCE_NUMBER',
      sequenceNumber: 'not-a-sequence-number',
    });
    await expect(shardReader.read()).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
    expect(sleeps).toEqual([]);
  });
});

describe('ShardReader through the fault-injecting proxy', () => {
  let proxy: KinesisProxy;
  let proxied: KinesisClient;

  beforeAll(async () => {
    proxy = await startKinesisProxy(kinesis.endpoint);
    proxied = kinesisClient(proxy.endpoint);
  });
  afterAll(async () => {
    proxied?.destroy();
    await proxy?.stop();
  });

  it('backs off on throttling, re-reads after the last record on an expired iterator: nothing lost or repeated', async () => {
    const stream = await newStream();
    await put(stream, ['a', 'b', 'c', 'd', 'e']);
    const { shardReader, sleeps } = reader(stream, { type: 'TRIM_HORIZON' }, proxied, 2);
    const first = await shardReader.read();
    const from = proxy.requests.length;
    proxy.throttleNext(2);
    proxy.expireNextIterators(1);
    const seen = [...text(first.records), ...(await drain(shardReader))];
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(proxy.requests.slice(from, from + 5)).toEqual([
      { operation: 'GetRecords', injected: 'ProvisionedThroughputExceededException' },
      { operation: 'GetRecords', injected: 'ProvisionedThroughputExceededException' },
      { operation: 'GetRecords', injected: 'ExpiredIteratorException' },
      { operation: 'GetShardIterator', injected: null },
      { operation: 'GetRecords', injected: null },
    ]);
    expect(sleeps).toHaveLength(3);
  });

  it('gives up with RetriesExhaustedError when throttled on every attempt of the policy', async () => {
    const stream = await newStream();
    await put(stream, ['a']);
    const { shardReader, sleeps } = reader(stream, { type: 'TRIM_HORIZON' }, proxied);
    proxy.throttleNext(4);
    const error = await shardReader.read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect((error as RetriesExhaustedError).attempts).toBe(4);
    expect(sleeps).toHaveLength(3);
    expect(text((await shardReader.read()).records)).toEqual(['a']);
  });

  it('throttles other operations when asked', async () => {
    const stream = await newStream();
    await put(stream, ['a']);
    const { shardReader, sleeps } = reader(stream, { type: 'TRIM_HORIZON' }, proxied);
    proxy.throttleNext(1, 'GetShardIterator');
    expect(text((await shardReader.read()).records)).toEqual(['a']);
    expect(sleeps).toHaveLength(1);
  });
});

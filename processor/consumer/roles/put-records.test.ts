import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  type PutRecordsCommand,
  type PutRecordsOutput,
  type PutRecordsRequestEntry,
} from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { useProxiedKinesis } from '../../../test/kinesis/proxy.js';
import { RetriesExhaustedError, type RetryPolicy } from '../../sinks/retry.js';
import { PutRecordsEntriesFailedError, putRecords } from './put-records.js';

const TINY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 };
const noSleep = async (): Promise<void> => {};

function entries(count: number, prefix = 'entry'): PutRecordsRequestEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    Data: Buffer.from(`${prefix}-${i}`),
    PartitionKey: `key-${i % 3}`,
  }));
}

describe('putRecords against kinesis-local', () => {
  const env = useProxiedKinesis('put-records');

  /** Every record's payload on the one-shard stream, in sequence order. */
  async function readBack(stream: string): Promise<string[]> {
    const { ShardIterator } = await env.client.send(
      new GetShardIteratorCommand({
        StreamName: stream,
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const out = await env.client.send(new GetRecordsCommand({ ShardIterator }));
    return (out.Records ?? []).map((r) => Buffer.from(r.Data ?? new Uint8Array()).toString('utf8'));
  }

  const putOperations = () => env.proxy.requests.filter((r) => r.operation === 'PutRecords');

  it('puts every entry and tells onPut each index once', async () => {
    const stream = await env.newStream();
    const put: number[] = [];
    await putRecords(entries(25), (index) => put.push(index), { kinesis: env.client, streamName: stream });
    expect(put).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(await readBack(stream)).toEqual(entries(25).map((e) => Buffer.from(e.Data ?? '').toString()));
  });

  it('retries a throttled call and loses nothing', async () => {
    const stream = await env.newStream();
    const before = putOperations().length;
    const put: number[] = [];
    const sleeps: number[] = [];
    env.proxy.throttleNext(2, 'PutRecords');
    await putRecords(entries(10), (index) => put.push(index), {
      kinesis: env.proxied,
      streamName: stream,
      retry: TINY,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    expect(
      putOperations()
        .slice(before)
        .map((r) => r.injected),
    ).toEqual(['ProvisionedThroughputExceededException', 'ProvisionedThroughputExceededException', null]);
    expect(sleeps).toHaveLength(2);
    expect(put).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(await readBack(stream)).toEqual(entries(10).map((e) => Buffer.from(e.Data ?? '').toString()));
  });

  it('throws RetriesExhaustedError when every attempt is throttled, and puts nothing', async () => {
    const stream = await env.newStream();
    const put: number[] = [];
    env.proxy.throttleNext(TINY.maxAttempts, 'PutRecords');
    const error = await putRecords(entries(3), (index) => put.push(index), {
      kinesis: env.proxied,
      streamName: stream,
      retry: TINY,
      sleep: noSleep,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect((error as RetriesExhaustedError).attempts).toBe(3);
    expect((error as RetriesExhaustedError).lastError).toMatchObject({
      name: 'ProvisionedThroughputExceededException',
    });
    expect(put).toEqual([]);
    expect(await readBack(stream)).toEqual([]);
  });

  it('rethrows a non-retriable error at once', async () => {
    const put: number[] = [];
    const before = putOperations().length;
    const error = await putRecords(entries(2), (index) => put.push(index), {
      kinesis: env.proxied,
      streamName: 'no-such-stream',
      retry: TINY,
      sleep: noSleep,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(putOperations().length - before).toBe(1);
    expect(put).toEqual([]);
  });
});

/**
 * One crafted answer per call: per-entry results in the order of the request's entries. Partial, because a
 * malformed answer without `Records` is one of the cases.
 */
type Answer = (records: readonly PutRecordsRequestEntry[]) => Partial<PutRecordsOutput>;

const ok = (n: number) => ({ SequenceNumber: `seq-${n}`, ShardId: 'shardId-000000000000' });
const throttled = { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded' };
const internal = { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure' };

/** A KinesisClient whose send answers PutRecords from `answers` in turn and records each request's payloads. */
function stubKinesis(answers: Answer[]): { kinesis: KinesisClient; requests: string[][] } {
  const requests: string[][] = [];
  const send = async (command: PutRecordsCommand): Promise<Partial<PutRecordsOutput>> => {
    const records = command.input.Records ?? [];
    requests.push(records.map((r) => Buffer.from(r.Data ?? new Uint8Array()).toString('utf8')));
    const answer = answers[requests.length - 1];
    if (!answer) throw new Error(`unexpected call ${requests.length}`);
    return answer(records);
  };
  return { kinesis: { send } as unknown as KinesisClient, requests };
}

const allOk: Answer = (records) => ({
  FailedRecordCount: 0,
  Records: records.map((_, i) => ok(i)),
});

describe('putRecords (stub Kinesis client: per-entry failures)', () => {
  it('re-sends only the failed entries and tells onPut each index once', async () => {
    const { kinesis, requests } = stubKinesis([
      () => ({ FailedRecordCount: 2, Records: [ok(0), throttled, ok(2), internal, ok(4)] }),
      () => ({ FailedRecordCount: 1, Records: [ok(5), throttled] }),
      allOk,
    ]);
    const put: number[] = [];
    const sleeps: number[] = [];
    await putRecords(entries(5), (index) => put.push(index), {
      kinesis,
      streamName: 'keyed',
      retry: TINY,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    expect(requests).toEqual([
      ['entry-0', 'entry-1', 'entry-2', 'entry-3', 'entry-4'],
      ['entry-1', 'entry-3'],
      ['entry-3'],
    ]);
    expect(put).toEqual([0, 2, 4, 1, 3]);
    expect(sleeps).toHaveLength(2);
  });

  it('throws RetriesExhaustedError with the failed count and error codes when the policy runs out', async () => {
    const alwaysFailsFirst: Answer = (records) => ({
      FailedRecordCount: 1,
      Records: records.map((_, i) => (i === 0 ? internal : ok(i))),
    });
    const { kinesis, requests } = stubKinesis([alwaysFailsFirst, alwaysFailsFirst, alwaysFailsFirst]);
    const put: number[] = [];
    const error = await putRecords(entries(3), (index) => put.push(index), {
      kinesis,
      streamName: 'keyed',
      retry: TINY,
      sleep: noSleep,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    const exhausted = error as RetriesExhaustedError;
    expect(exhausted.attempts).toBe(3);
    expect(exhausted.lastError).toBeInstanceOf(PutRecordsEntriesFailedError);
    expect((exhausted.lastError as PutRecordsEntriesFailedError).failed).toBe(1);
    expect((exhausted.lastError as PutRecordsEntriesFailedError).errorCodes).toEqual(['InternalFailure']);
    expect(requests).toEqual([['entry-0', 'entry-1', 'entry-2'], ['entry-0'], ['entry-0']]);
    expect(put).toEqual([1, 2]);
  });

  it('reports distinct error codes, sorted', async () => {
    const { kinesis } = stubKinesis([
      () => ({ FailedRecordCount: 3, Records: [throttled, internal, throttled] }),
    ]);
    const error = await putRecords(entries(3), () => {}, {
      kinesis,
      streamName: 'keyed',
      retry: { ...TINY, maxAttempts: 1 },
      sleep: noSleep,
    }).catch((e: unknown) => e);
    const lastError = (error as RetriesExhaustedError).lastError as PutRecordsEntriesFailedError;
    expect(lastError.failed).toBe(3);
    expect(lastError.errorCodes).toEqual(['InternalFailure', 'ProvisionedThroughputExceededException']);
    expect(lastError.message).toBe(
      '3 PutRecords entries failed: InternalFailure, ProvisionedThroughputExceededException',
    );
  });

  it('counts a missing or sequence-less result as failed and sends it again', async () => {
    const { kinesis, requests } = stubKinesis([
      // Two results for four entries; the second has neither SequenceNumber nor ErrorCode.
      () => ({ FailedRecordCount: 0, Records: [ok(0), {}] }),
      allOk,
    ]);
    const put: number[] = [];
    await putRecords(entries(4), (index) => put.push(index), {
      kinesis,
      streamName: 'keyed',
      retry: TINY,
      sleep: noSleep,
    });
    expect(requests).toEqual([
      ['entry-0', 'entry-1', 'entry-2', 'entry-3'],
      ['entry-1', 'entry-2', 'entry-3'],
    ]);
    expect(put).toEqual([0, 1, 2, 3]);
  });

  it('gives up on missing results with MissingResult as the error code', async () => {
    const { kinesis } = stubKinesis([() => ({ FailedRecordCount: 0 })]);
    const error = await putRecords(entries(2), () => {}, {
      kinesis,
      streamName: 'keyed',
      retry: { ...TINY, maxAttempts: 1 },
      sleep: noSleep,
    }).catch((e: unknown) => e);
    const lastError = (error as RetriesExhaustedError).lastError as PutRecordsEntriesFailedError;
    expect(lastError.errorCodes).toEqual(['MissingResult']);
    expect(lastError.failed).toBe(2);
  });
});

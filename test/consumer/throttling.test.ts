import { setTimeout as sleep } from 'node:timers/promises';
import { type KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaseTable } from '../../processor/consumer/lease-table.js';
import { Worker } from '../../processor/consumer/worker.js';
import { DEFAULT_STATE_OPTIONS } from '../../processor/state/index.js';
import type { SecurityEvent } from '../../schemas/types.js';
import { type LocalDynamoDb, startDynalite } from '../dynamodb/local.js';
import { createStream, type KinesisLocal, kinesisClient, startKinesisLocal } from '../kinesis/local.js';
import { type KinesisProxy, startKinesisProxy } from '../kinesis/proxy.js';
import { MemorySink, memoryDelivery, recordingDetection, userNameOf, waitFor } from './harness.js';
import { createUserRecord, toData } from './records.js';

const STREAM = 'throttled';
const KEYS = Array.from({ length: 8 }, (_, index) => `key-${index}`);
const ROUNDS = 40;
const T0 = Date.UTC(2026, 10, 24, 9);

/** Faults injected before a round: [round, kind, how many]. */
const FAULTS: [number, 'throttle' | 'expire', number][] = [
  [5, 'throttle', 3],
  [15, 'expire', 2],
  [25, 'throttle', 5],
  [32, 'expire', 1],
];

async function putRound(client: KinesisClient, round: number): Promise<void> {
  const out = await client.send(
    new PutRecordsCommand({
      StreamName: STREAM,
      Records: KEYS.map((key, index) => ({
        PartitionKey: key,
        Data: toData(
          createUserRecord('111122223333', T0 + round * 1000, `${key}:${round}`, round * 100 + index),
        ),
      })),
    }),
  );
  expect(out.FailedRecordCount ?? 0).toBe(0);
}

function injected(proxy: KinesisProxy, type: string): number {
  return proxy.requests.filter((request) => request.injected === type).length;
}

describe('GetRecords throttling and expired iterators', () => {
  let kinesis: KinesisLocal;
  let dynamo: LocalDynamoDb;
  let proxy: KinesisProxy;
  beforeAll(async () => {
    [kinesis, dynamo] = await Promise.all([startKinesisLocal(), startDynalite()]);
    proxy = await startKinesisProxy(kinesis.endpoint);
  }, 60_000);
  afterAll(async () => {
    await proxy?.stop();
    await Promise.all([kinesis?.stop(), dynamo?.stop()]);
  });

  it('every record is processed exactly once and in order; the throttled calls were retried, not failed', async () => {
    const client = kinesis.client();
    await createStream(client, STREAM, 2);
    const seen: SecurityEvent[] = [];
    const errors: string[] = [];
    const worker = new Worker({
      kinesis: kinesisClient(proxy.endpoint),
      dynamodb: dynamo.client(),
      streamName: STREAM,
      leaseTableName: 'throttled-leases',
      workerId: 'worker-throttled',
      detections: [recordingDetection(seen)],
      latenessMs: 300_000,
      state: DEFAULT_STATE_OPTIONS,
      delivery: memoryDelivery(new MemorySink()),
      initialPosition: 'TRIM_HORIZON',
      failoverMs: 2000,
      checkpointIntervalMs: 50,
      idleMs: 50,
      idleTimeoutMs: 0,
      // More attempts than any injected run of failures: every fault must be absorbed by backoff and retry.
      retry: { maxAttempts: 8, baseDelayMs: 50, maxDelayMs: 400 },
      onError: (error, context) => errors.push(`${context}: ${String(error)}`),
    });
    await worker.start();
    let throttles = 0;
    let expiries = 0;
    for (let round = 1; round <= ROUNDS; round += 1) {
      for (const [at, kind, count] of FAULTS) {
        if (at !== round) continue;
        if (kind === 'throttle') {
          proxy.throttleNext(count, 'GetRecords');
          throttles += count;
        } else {
          proxy.expireNextIterators(count);
          expiries += count;
        }
        await waitFor('the faults consumed by the readers', () => {
          return (
            injected(proxy, 'ProvisionedThroughputExceededException') === throttles &&
            injected(proxy, 'ExpiredIteratorException') === expiries
          );
        });
      }
      await putRound(client, round);
      await sleep(20);
    }
    await waitFor(
      'every record pushed',
      () => seen.length >= KEYS.length * ROUNDS,
      60_000,
      () => {
        return `(${seen.length} pushed)`;
      },
    );
    const table = new LeaseTable({ client: dynamo.client(), tableName: 'throttled-leases' });
    await worker.stop();

    const order = new Map<string, number[]>(KEYS.map((key) => [key, []]));
    for (const event of seen) {
      const [key, counter] = userNameOf(event).split(':') as [string, string];
      order.get(key)?.push(Number(counter));
    }
    const expected = Array.from({ length: ROUNDS }, (_, index) => index + 1);
    for (const key of KEYS) expect({ key, counters: order.get(key) }).toEqual({ key, counters: expected });
    expect(seen.length).toBe(KEYS.length * ROUNDS);
    expect(errors).toEqual([]);

    const count = (operation: string, injection: string | null) =>
      proxy.requests.filter((request) => request.operation === operation && request.injected === injection)
        .length;
    expect(count('GetRecords', 'ProvisionedThroughputExceededException')).toBe(8);
    expect(count('GetRecords', 'ExpiredIteratorException')).toBe(3);
    // One iterator per shard at start, one more after each expired iterator: nothing else re-reads.
    expect(count('GetShardIterator', null)).toBe(2 + 3);
    expect((await table.list()).map((lease) => lease.leaseOwner)).toEqual([null, null]);
  }, 120_000);
});

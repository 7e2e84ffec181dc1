import { setTimeout as sleep } from 'node:timers/promises';
import {
  type KinesisClient,
  MergeShardsCommand,
  PutRecordsCommand,
  SplitShardCommand,
} from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaseTable, SHARD_END } from '../../processor/consumer/lease-table.js';
import { Worker } from '../../processor/consumer/worker.js';
import { DEFAULT_STATE_OPTIONS } from '../../processor/state/index.js';
import type { SecurityEvent } from '../../schemas/types.js';
import { type LocalDynamoDb, startDynalite } from '../dynamodb/local.js';
import { createStream, type KinesisLocal, startKinesisLocal, waitActive } from '../kinesis/local.js';
import {
  listShards,
  MemorySink,
  memoryDelivery,
  recordingDetection,
  userNameOf,
  waitFor,
} from './harness.js';
import { createUserRecord, toData } from './records.js';

const STREAM = 'reshard';
const KEYS = Array.from({ length: 12 }, (_, index) => `key-${index}`);
const ROUNDS = 60;
const SPLIT_AFTER = 20;
const MERGE_AFTER = 40;
const T0 = Date.UTC(2026, 10, 24, 9);

/** Puts one record per key (counter `round` in the user name), in key order; returns each key's shard. */
async function putRound(client: KinesisClient, round: number): Promise<Map<string, string>> {
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
  return new Map(KEYS.map((key, index) => [key, out.Records?.[index]?.ShardId as string]));
}

describe('resharding under a running producer', () => {
  let kinesis: KinesisLocal;
  let dynamo: LocalDynamoDb;
  beforeAll(async () => {
    [kinesis, dynamo] = await Promise.all([startKinesisLocal(), startDynalite()]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([kinesis?.stop(), dynamo?.stop()]);
  });

  it('split and merge: every record processed once, each key in counter order across parent and child', async () => {
    const client = kinesis.client();
    await createStream(client, STREAM, 3);
    const seen: SecurityEvent[] = [];
    const worker = new Worker({
      kinesis: kinesis.client(),
      dynamodb: dynamo.client(),
      streamName: STREAM,
      leaseTableName: 'reshard-leases',
      workerId: 'worker-reshard',
      detections: [recordingDetection(seen)],
      latenessMs: 300_000,
      state: DEFAULT_STATE_OPTIONS,
      delivery: memoryDelivery(new MemorySink()),
      initialPosition: 'TRIM_HORIZON',
      failoverMs: 2000,
      checkpointIntervalMs: 50,
      idleMs: 50,
      idleTimeoutMs: 0,
      shardSyncIntervalMs: 500,
    });
    await worker.start();
    const shardsByKey = new Map<string, string[]>(KEYS.map((key) => [key, []]));
    const [first, second, third] = await listShards(client, STREAM);
    for (let round = 1; round <= ROUNDS; round += 1) {
      for (const [key, shardId] of await putRound(client, round)) shardsByKey.get(key)?.push(shardId);
      if (round === SPLIT_AFTER) {
        const start = BigInt(first?.start ?? '0');
        const end = BigInt(second?.start ?? '0') - 1n;
        await client.send(
          new SplitShardCommand({
            StreamName: STREAM,
            ShardToSplit: first?.id,
            NewStartingHashKey: ((start + end) / 2n).toString(),
          }),
        );
      }
      if (round === MERGE_AFTER) {
        await waitActive(client, STREAM);
        await client.send(
          new MergeShardsCommand({
            StreamName: STREAM,
            ShardToMerge: second?.id,
            AdjacentShardToMerge: third?.id,
          }),
        );
      }
      await sleep(25);
    }
    await waitActive(client, STREAM);
    const table = new LeaseTable({ client: dynamo.client(), tableName: 'reshard-leases' });
    await waitFor(
      'every record pushed and the parents at SHARD_END',
      async () =>
        seen.length >= KEYS.length * ROUNDS &&
        (await table.list()).filter((lease) => lease.checkpoint === SHARD_END).length === 3,
      60_000,
      () => `(${seen.length} events pushed)`,
    );
    await worker.stop();

    // The stream really resharded under the producer: each key's records crossed from a parent into a child.
    const shards = await listShards(client, STREAM);
    const parentsOf = new Map(shards.map((shard) => [shard.id, shard.parents]));
    expect(shards.map((shard) => [shard.id, shard.parents])).toEqual([
      ['shardId-000000000000', []],
      ['shardId-000000000001', []],
      ['shardId-000000000002', []],
      ['shardId-000000000003', ['shardId-000000000000']],
      ['shardId-000000000004', ['shardId-000000000000']],
      ['shardId-000000000005', ['shardId-000000000001', 'shardId-000000000002']],
    ]);
    const crossings = new Set<string>();
    for (const [key, path] of shardsByKey) {
      const distinct = path.filter((shardId, index) => shardId !== path[index - 1]);
      expect({ key, hops: distinct.length }).toEqual({ key, hops: 2 }); // parent, then one child, never back
      crossings.add(`${distinct[0]}→${distinct[1]}`);
      expect(parentsOf.get(distinct[1] as string)).toContain(distinct[0]);
    }
    expect([...crossings].some((crossing) => crossing.startsWith('shardId-000000000000→'))).toBe(true);
    expect([...crossings].some((crossing) => crossing.endsWith('→shardId-000000000005'))).toBe(true);

    // Processing order per key: exactly 1..ROUNDS, i.e. nothing lost, nothing twice, parent before child.
    const order = new Map<string, number[]>(KEYS.map((key) => [key, []]));
    for (const event of seen) {
      const [key, counter] = userNameOf(event).split(':') as [string, string];
      order.get(key)?.push(Number(counter));
    }
    const expected = Array.from({ length: ROUNDS }, (_, index) => index + 1);
    for (const key of KEYS) expect({ key, counters: order.get(key) }).toEqual({ key, counters: expected });

    const leases = await table.list();
    expect(
      leases.map((lease) => [lease.leaseKey, lease.checkpoint === SHARD_END, lease.childShardIds]),
    ).toEqual([
      ['shardId-000000000000', true, ['shardId-000000000003', 'shardId-000000000004']],
      ['shardId-000000000001', true, ['shardId-000000000005']],
      ['shardId-000000000002', true, ['shardId-000000000005']],
      ['shardId-000000000003', false, []],
      ['shardId-000000000004', false, []],
      ['shardId-000000000005', false, []],
    ]);
  }, 120_000);
});

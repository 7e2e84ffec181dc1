import { type KinesisClient, MergeShardsCommand, SplitShardCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamoDb, startDynalite } from '../../test/dynamodb/local.js';
import {
  createStream,
  type KinesisLocal,
  kinesisClient,
  startKinesisLocal,
  waitActive,
} from '../../test/kinesis/local.js';
import { startKinesisProxy } from '../../test/kinesis/proxy.js';
import { type Lease, LeaseTable, SHARD_END } from './lease-table.js';
import { childShardsOf, parentsDone, syncShards } from './shard-sync.js';

const MAX = '340282366920938463463374607431768211455'; // 2^128 - 1
const HALF = '170141183460469231731687303715884105728'; // 2^127
const QUARTER = '85070591730234615865843651857942052864'; // 2^126
const shard = (n: number) => `shardId-${String(n).padStart(12, '0')}`;

let kinesis: KinesisLocal;
let client: KinesisClient;
let dynamo: LocalDynamoDb;
let names = 0;

beforeAll(async () => {
  [kinesis, dynamo] = await Promise.all([startKinesisLocal(), startDynalite()]);
  client = kinesis.client();
});
afterAll(async () => {
  client?.destroy();
  await Promise.all([kinesis?.stop(), dynamo?.stop()]);
});

/** A fresh stream and lease table per test. */
async function setup(shards: number): Promise<{ stream: string; table: LeaseTable }> {
  names += 1;
  const stream = `sync-${names}`;
  const table = new LeaseTable({ client: dynamo.client(), tableName: `leases-${names}` });
  await Promise.all([createStream(client, stream, shards), table.ensureTable()]);
  return { stream, table };
}

async function split(stream: string, shardId: string, at: string): Promise<void> {
  await client.send(
    new SplitShardCommand({ StreamName: stream, ShardToSplit: shardId, NewStartingHashKey: at }),
  );
  await waitActive(client, stream);
}

/** The fields sync decides, per lease. */
async function summary(table: LeaseTable) {
  return (await table.list()).map((l) => ({
    key: l.leaseKey,
    checkpoint: l.checkpoint,
    parents: l.parentShardIds,
    range: [l.startingHashKey, l.endingHashKey],
    owner: l.leaseOwner,
  }));
}

describe('syncShards on kinesis-local and dynalite', () => {
  it('creates one unowned lease per shard with its hash range, once', async () => {
    const { stream, table } = await setup(2);
    expect(
      await syncShards({ kinesis: client, streamName: stream, table, initialPosition: 'TRIM_HORIZON' }),
    ).toBe(2);
    expect(await summary(table)).toEqual([
      {
        key: shard(0),
        checkpoint: 'TRIM_HORIZON',
        parents: [],
        range: ['0', '170141183460469231731687303715884105726'],
        owner: null,
      },
      {
        key: shard(1),
        checkpoint: 'TRIM_HORIZON',
        parents: [],
        range: ['170141183460469231731687303715884105727', MAX],
        owner: null,
      },
    ]);
    expect(
      await syncShards({ kinesis: client, streamName: stream, table, initialPosition: 'TRIM_HORIZON' }),
    ).toBe(0);
  });

  it('after SplitShard creates both children at TRIM_HORIZON with the split shard as parent', async () => {
    const { stream, table } = await setup(1);
    expect(await syncShards({ kinesis: client, streamName: stream, table, initialPosition: 'LATEST' })).toBe(
      1,
    );
    await split(stream, shard(0), HALF);
    expect(await syncShards({ kinesis: client, streamName: stream, table, initialPosition: 'LATEST' })).toBe(
      2,
    );
    expect(await summary(table)).toEqual([
      { key: shard(0), checkpoint: 'LATEST', parents: [], range: ['0', MAX], owner: null },
      {
        key: shard(1),
        checkpoint: 'TRIM_HORIZON',
        parents: [shard(0)],
        range: ['0', '170141183460469231731687303715884105727'],
        owner: null,
      },
      { key: shard(2), checkpoint: 'TRIM_HORIZON', parents: [shard(0)], range: [HALF, MAX], owner: null },
    ]);
  });

  it('after MergeShards creates the child with both parents', async () => {
    const { stream, table } = await setup(2);
    await syncShards({ kinesis: client, streamName: stream, table, initialPosition: 'TRIM_HORIZON' });
    await client.send(
      new MergeShardsCommand({ StreamName: stream, ShardToMerge: shard(0), AdjacentShardToMerge: shard(1) }),
    );
    await waitActive(client, stream);
    expect(
      await syncShards({ kinesis: client, streamName: stream, table, initialPosition: 'TRIM_HORIZON' }),
    ).toBe(1);
    expect((await summary(table))[2]).toEqual({
      key: shard(2),
      checkpoint: 'TRIM_HORIZON',
      parents: [shard(0), shard(1)],
      range: ['0', MAX],
      owner: null,
    });
    expect(await childShardsOf(client, stream, shard(1))).toEqual([shard(2)]);
    expect(await childShardsOf(client, stream, shard(2))).toEqual([]);
  });

  it('tracks a closed shard that descends from a tracked one, even with LATEST (split twice between syncs)', async () => {
    const { stream, table } = await setup(1);
    await syncShards({ kinesis: client, streamName: stream, table, initialPosition: 'LATEST' });
    await split(stream, shard(0), HALF);
    await split(stream, shard(1), QUARTER);
    expect(await syncShards({ kinesis: client, streamName: stream, table, initialPosition: 'LATEST' })).toBe(
      4,
    );
    expect((await summary(table)).map((l) => [l.key, l.checkpoint, l.parents])).toEqual([
      [shard(0), 'LATEST', []],
      [shard(1), 'TRIM_HORIZON', [shard(0)]],
      [shard(2), 'TRIM_HORIZON', [shard(0)]],
      [shard(3), 'TRIM_HORIZON', [shard(1)]],
      [shard(4), 'TRIM_HORIZON', [shard(1)]],
    ]);
  });

  it('reads every ListShards page and retries a throttled ListShards', async () => {
    const { stream, table } = await setup(3);
    const proxy = await startKinesisProxy(kinesis.endpoint);
    const proxied = kinesisClient(proxy.endpoint);
    try {
      proxy.throttleNext(1, 'ListShards');
      const created = await syncShards({
        kinesis: proxied,
        streamName: stream,
        table,
        initialPosition: 'TRIM_HORIZON',
        pageSize: 1,
      });
      expect(created).toBe(3);
      expect(proxy.requests.map((r) => [r.operation, r.injected])).toEqual([
        ['ListShards', 'ProvisionedThroughputExceededException'],
        ['ListShards', null],
        ['ListShards', null],
        ['ListShards', null],
      ]);
    } finally {
      proxied.destroy();
      await proxy.stop();
    }
    expect((await table.list()).map((l) => l.leaseKey)).toEqual([shard(0), shard(1), shard(2)]);
  });

  it('on a first start at LATEST leases only the open shards; at TRIM_HORIZON the closed ones too', async () => {
    const { stream, table } = await setup(1);
    await split(stream, shard(0), HALF);
    expect(await syncShards({ kinesis: client, streamName: stream, table, initialPosition: 'LATEST' })).toBe(
      2,
    );
    expect((await summary(table)).map((l) => [l.key, l.checkpoint, l.parents])).toEqual([
      [shard(1), 'LATEST', [shard(0)]],
      [shard(2), 'LATEST', [shard(0)]],
    ]);
    const fresh = new LeaseTable({ client: dynamo.client(), tableName: `${table.tableName}-trim` });
    await fresh.ensureTable();
    expect(
      await syncShards({
        kinesis: client,
        streamName: stream,
        table: fresh,
        initialPosition: 'TRIM_HORIZON',
      }),
    ).toBe(3);
    expect((await summary(fresh)).map((l) => [l.key, l.checkpoint, l.parents])).toEqual([
      [shard(0), 'TRIM_HORIZON', []],
      [shard(1), 'TRIM_HORIZON', [shard(0)]],
      [shard(2), 'TRIM_HORIZON', [shard(0)]],
    ]);
  });
});

describe('parentsDone', () => {
  const lease = (leaseKey: string, checkpoint: string, parentShardIds: string[] = []): Lease => ({
    leaseKey,
    leaseOwner: null,
    leaseCounter: 0,
    checkpoint,
    checkpointSubSequenceNumber: 0,
    ownerSwitchesSinceCheckpoint: 0,
    parentShardIds,
    childShardIds: [],
    startingHashKey: null,
    endingHashKey: null,
    snapshot: null,
    watermark: null,
    idle: false,
  });
  const merged = lease(shard(2), 'TRIM_HORIZON', [shard(0), shard(1)]);

  it('is true without parents, and when every parent is at SHARD_END or has no lease', () => {
    expect(parentsDone(lease(shard(0), 'TRIM_HORIZON'), [])).toBe(true);
    expect(parentsDone(merged, [merged])).toBe(true);
    expect(parentsDone(merged, [lease(shard(0), SHARD_END), merged])).toBe(true);
    expect(parentsDone(merged, [lease(shard(0), SHARD_END), lease(shard(1), SHARD_END), merged])).toBe(true);
  });

  it('is false while any parent is still being read', () => {
    expect(parentsDone(merged, [lease(shard(0), SHARD_END), lease(shard(1), '4960000000001'), merged])).toBe(
      false,
    );
    expect(parentsDone(merged, [lease(shard(0), 'TRIM_HORIZON'), lease(shard(1), SHARD_END), merged])).toBe(
      false,
    );
  });
});

import {
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalDynamoDb, startDynalite } from '../../test/dynamodb/local.js';
import {
  fromItem,
  InvalidLeaseItemError,
  type Lease,
  LeaseTable,
  SHARD_END,
  TRIM_HORIZON,
} from './lease-table.js';

const MAX_HASH = '340282366920938463463374607431768211455';

let ddb: LocalDynamoDb;
let client: DynamoDBClient;
let table: LeaseTable;
let tableCount = 0;

beforeAll(async () => {
  ddb = await startDynalite();
  client = ddb.client();
});
afterAll(() => ddb.stop());
beforeEach(async () => {
  tableCount += 1;
  table = new LeaseTable({ client, tableName: `leases-${tableCount}` });
  await table.ensureTable();
});

async function rawItem(leaseKey: string) {
  const out = await client.send(
    new GetItemCommand({
      TableName: table.tableName,
      Key: { leaseKey: { S: leaseKey } },
      ConsistentRead: true,
    }),
  );
  return out.Item;
}

async function created(leaseKey = 'shardId-000000000000'): Promise<Lease> {
  await table.createIfNotExists({
    leaseKey,
    checkpoint: TRIM_HORIZON,
    parentShardIds: [],
    startingHashKey: '0',
    endingHashKey: MAX_HASH,
  });
  const lease = await table.get(leaseKey);
  if (!lease) throw new Error(`${leaseKey} was not created`);
  return lease;
}

describe('LeaseTable', () => {
  it('creates a PAY_PER_REQUEST table keyed by leaseKey (S), and a second ensureTable is a no-op', async () => {
    await table.ensureTable();
    const { Table } = await client.send(new DescribeTableCommand({ TableName: table.tableName }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(Table?.KeySchema).toEqual([{ AttributeName: 'leaseKey', KeyType: 'HASH' }]);
    expect(Table?.AttributeDefinitions).toEqual([{ AttributeName: 'leaseKey', AttributeType: 'S' }]);
  });

  it('writes a new lease with the KCL item layout: no owner, parents as SS, hash keys as decimal strings', async () => {
    const first = await table.createIfNotExists({
      leaseKey: 'shardId-000000000004',
      checkpoint: TRIM_HORIZON,
      parentShardIds: ['shardId-000000000002', 'shardId-000000000001'],
      startingHashKey: '170141183460469231731687303715884105728',
      endingHashKey: MAX_HASH,
    });
    const second = await table.createIfNotExists({
      leaseKey: 'shardId-000000000004',
      checkpoint: 'LATEST',
      parentShardIds: [],
      startingHashKey: null,
      endingHashKey: null,
    });
    expect([first, second]).toEqual([true, false]);
    expect(await rawItem('shardId-000000000004')).toEqual({
      leaseKey: { S: 'shardId-000000000004' },
      leaseCounter: { N: '0' },
      checkpoint: { S: 'TRIM_HORIZON' },
      checkpointSubSequenceNumber: { N: '0' },
      ownerSwitchesSinceCheckpoint: { N: '0' },
      parentShardId: { SS: ['shardId-000000000001', 'shardId-000000000002'] },
      startingHashKey: { S: '170141183460469231731687303715884105728' },
      endingHashKey: { S: MAX_HASH },
    });
  });

  it('omits hash keys and parents when there are none', async () => {
    await table.createIfNotExists({
      leaseKey: 'shardId-000000000000',
      checkpoint: 'LATEST',
      parentShardIds: [],
      startingHashKey: null,
      endingHashKey: null,
    });
    expect(Object.keys((await rawItem('shardId-000000000000')) ?? {}).sort()).toEqual([
      'checkpoint',
      'checkpointSubSequenceNumber',
      'leaseCounter',
      'leaseKey',
      'ownerSwitchesSinceCheckpoint',
    ]);
  });

  it('takes an unowned lease without counting an owner switch; a steal counts one', async () => {
    const lease = await created();
    const mine = await table.take(lease, 'worker-a');
    expect(mine).toMatchObject({ leaseOwner: 'worker-a', leaseCounter: 1, ownerSwitchesSinceCheckpoint: 0 });
    expect((await rawItem(lease.leaseKey))?.leaseOwner).toEqual({ S: 'worker-a' });
    const stolen = await table.take(mine as Lease, 'worker-b');
    expect(stolen).toMatchObject({
      leaseOwner: 'worker-b',
      leaseCounter: 2,
      ownerSwitchesSinceCheckpoint: 1,
    });
  });

  it('lets exactly one of two concurrent takers win', async () => {
    const lease = await created();
    const [a, b] = await Promise.all([table.take(lease, 'worker-a'), table.take(lease, 'worker-b')]);
    const winners = [a, b].filter((won) => won !== null);
    expect(winners).toHaveLength(1);
    expect((await table.get(lease.leaseKey))?.leaseOwner).toBe(winners[0]?.leaseOwner);
    expect((await table.get(lease.leaseKey))?.leaseCounter).toBe(1);
  });

  it('lets exactly one of ten concurrent takers win', async () => {
    const lease = await created();
    const workers = Array.from({ length: 10 }, (_, i) => `worker-${i}`);
    const results = await Promise.all(workers.map((worker) => table.take(lease, worker)));
    expect(results.filter((won) => won !== null)).toHaveLength(1);
  });

  it('renews while the owner and counter match, and reports the lease lost otherwise', async () => {
    const mine = (await table.take(await created(), 'worker-a')) as Lease;
    const renewed = await table.renew(mine, 'worker-a');
    expect(renewed).toMatchObject({ leaseOwner: 'worker-a', leaseCounter: 2 });
    expect(await table.renew(mine, 'worker-a')).toBeNull(); // stale counter
    expect(await table.renew(renewed as Lease, 'worker-b')).toBeNull(); // not the owner
    const stolen = (await table.take(renewed as Lease, 'worker-b')) as Lease;
    expect(await table.renew({ ...stolen, leaseOwner: 'worker-a' }, 'worker-a')).toBeNull();
    expect((await table.get(mine.leaseKey))?.leaseCounter).toBe(3);
  });

  it('evicts by removing leaseOwner and bumping the counter; only the owner may evict', async () => {
    const mine = (await table.take(await created(), 'worker-a')) as Lease;
    expect(await table.evict(mine, 'worker-b')).toBeNull();
    const released = await table.evict(mine, 'worker-a');
    expect(released).toMatchObject({ leaseOwner: null, leaseCounter: 2 });
    expect((await rawItem(mine.leaseKey))?.leaseOwner).toBeUndefined();
    expect(await table.take(released as Lease, 'worker-b')).toMatchObject({
      leaseOwner: 'worker-b',
      leaseCounter: 3,
      ownerSwitchesSinceCheckpoint: 0,
    });
  });

  it('checkpoints with sub-sequence, resetting ownerSwitchesSinceCheckpoint, only for the current owner', async () => {
    const a = (await table.take(await created(), 'worker-a')) as Lease;
    const b = (await table.take(a, 'worker-b')) as Lease;
    expect(b.ownerSwitchesSinceCheckpoint).toBe(1);
    expect(await table.checkpoint(a, 'worker-a', '4960', 0)).toBeNull();
    const done = await table.checkpoint(
      b,
      'worker-b',
      '49600000000000000000000000000000000000000000000000000001',
      3,
    );
    expect(done).toMatchObject({
      leaseCounter: 3,
      checkpointSubSequenceNumber: 3,
      ownerSwitchesSinceCheckpoint: 0,
    });
    expect(await rawItem(b.leaseKey)).toMatchObject({
      checkpoint: { S: '49600000000000000000000000000000000000000000000000000001' },
      checkpointSubSequenceNumber: { N: '3' },
      ownerSwitchesSinceCheckpoint: { N: '0' },
      leaseCounter: { N: '3' },
    });
  });

  it('records child shards as SS with the SHARD_END checkpoint, in the same conditional write', async () => {
    const mine = (await table.take(await created(), 'worker-a')) as Lease;
    const children = ['shardId-000000000002', 'shardId-000000000001'];
    expect(await table.checkpoint(mine, 'worker-b', SHARD_END, 0, children)).toBeNull();
    const ended = await table.checkpoint(mine, 'worker-a', SHARD_END, 0, children);
    expect(ended).toMatchObject({
      leaseCounter: mine.leaseCounter + 1,
      checkpoint: SHARD_END,
      childShardIds: ['shardId-000000000001', 'shardId-000000000002'],
    });
    expect((await rawItem(mine.leaseKey))?.childShardIds).toEqual({
      SS: ['shardId-000000000001', 'shardId-000000000002'],
    });
  });

  it('writes a snapshot version with the checkpoint; a watermark promise ends the idle mark', async () => {
    const mine = (await table.take(await created(), 'worker-a')) as Lease;
    const saved = (await table.checkpoint(mine, 'worker-a', '4960', 0, [], { snapshot: 'v1' })) as Lease;
    expect(saved).toMatchObject({ snapshot: 'v1', watermark: null, idle: false });
    const idle = (await table.markIdle(saved, 'worker-a')) as Lease;
    expect(idle).toMatchObject({ idle: true, leaseCounter: saved.leaseCounter + 1 });
    expect(await table.markIdle(saved, 'worker-a')).toBeNull(); // stale counter
    expect(await table.markIdle(idle, 'worker-b')).toBeNull(); // not the owner
    expect(await table.promise(idle, 'worker-b', 1)).toBeNull(); // not the owner
    const busy = (await table.promise(idle, 'worker-a', 1_764_000_000_000)) as Lease;
    expect(busy).toMatchObject({
      snapshot: 'v1',
      watermark: 1_764_000_000_000,
      idle: false,
      leaseCounter: idle.leaseCounter + 1,
      checkpoint: '4960',
    });
    expect(await rawItem(mine.leaseKey)).toMatchObject({
      shardwatchSnapshot: { S: 'v1' },
      shardwatchWatermark: { N: '1764000000000' },
    });
    expect((await rawItem(mine.leaseKey))?.shardwatchIdle).toBeUndefined();
  });

  it('leaves items of other entity types out of list()', async () => {
    await created('shardId-000000000001');
    await client.send(
      new PutItemCommand({
        TableName: table.tableName,
        Item: { leaseKey: { S: 'shardwatch:lock' }, entityType: { S: 'SHARDWATCH_LOCK' } },
      }),
    );
    await client.send(
      new PutItemCommand({
        TableName: table.tableName,
        Item: {
          leaseKey: { S: 'shardId-000000000002' },
          entityType: { S: 'LEASE' },
          leaseCounter: { N: '0' },
        },
      }),
    );
    expect((await table.list()).map((lease) => lease.leaseKey)).toEqual([
      'shardId-000000000001',
      'shardId-000000000002',
    ]);
  });

  it('lists every lease sorted by leaseKey and reads a missing one as undefined', async () => {
    for (const id of ['shardId-000000000010', 'shardId-000000000002', 'shardId-000000000007'])
      await created(id);
    expect((await table.list()).map((lease) => lease.leaseKey)).toEqual([
      'shardId-000000000002',
      'shardId-000000000007',
      'shardId-000000000010',
    ]);
    expect(await table.get('shardId-000000000099')).toBeUndefined();
  });

  it('rejects an item whose counter is not an integer', () => {
    expect(() => fromItem({ leaseKey: { S: 'shardId-0' }, leaseCounter: { S: 'seven' } })).toThrow(
      InvalidLeaseItemError,
    );
    expect(() => fromItem({ leaseCounter: { N: '1' } })).toThrow('lease item without a string leaseKey');
  });
});

import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../test/consumer/harness.js';
import { type LocalDynamoDb, startDynalite } from '../../test/dynamodb/local.js';
import { LeaseTable } from './lease-table.js';
import { SINGLE_WRITER_ENTITY, SINGLE_WRITER_KEY, SingleWriterLock } from './single-writer-lock.js';

const FAILOVER_MS = 600;
let ddb: LocalDynamoDb;
let tables = 0;

beforeAll(async () => {
  ddb = await startDynalite();
});
afterAll(() => ddb.stop());

async function newTable(): Promise<LeaseTable> {
  tables += 1;
  const table = new LeaseTable({ client: ddb.client(), tableName: `lock-${tables}` });
  await table.ensureTable();
  await table.createIfNotExists({
    leaseKey: 'shardId-000000000000',
    checkpoint: 'TRIM_HORIZON',
    parentShardIds: [],
    startingHashKey: null,
    endingHashKey: null,
  });
  return table;
}

function lock(
  table: LeaseTable,
  workerId: string,
  o: { lost?: string[]; now?: () => number } = {},
): SingleWriterLock {
  return new SingleWriterLock({
    client: ddb.client(),
    tableName: table.tableName,
    workerId,
    failoverMs: FAILOVER_MS,
    onLost: () => o.lost?.push(workerId),
    ...(o.now ? { now: o.now } : {}),
  });
}

/** The lock item as a worker left it (a killed holder's last write, or another worker's take). */
async function writeLockItem(table: LeaseTable, owner: string, counter: number): Promise<void> {
  await ddb.client().send(
    new PutItemCommand({
      TableName: table.tableName,
      Item: {
        leaseKey: { S: SINGLE_WRITER_KEY },
        entityType: { S: SINGLE_WRITER_ENTITY },
        leaseOwner: { S: owner },
        leaseCounter: { N: String(counter) },
      },
    }),
  );
}

describe('SingleWriterLock', () => {
  it('is refused to a second worker while the first holds it, and is no lease for the coordinator', async () => {
    const table = await newTable();
    const first = lock(table, 'task-a');
    expect(await first.acquire()).toBeUndefined();
    expect(await lock(table, 'task-b').acquire()).toEqual({ owner: 'task-a' });
    expect((await table.list()).map((lease) => lease.leaseKey)).toEqual(['shardId-000000000000']);
    await first.stop();
  });

  it('passes at once to the next worker after a graceful stop', async () => {
    const table = await newTable();
    const first = lock(table, 'task-a');
    await first.acquire();
    await first.stop();
    // A clock that never moves: an expiry could never be seen, so acquiring proves no expiry was waited for.
    const second = lock(table, 'task-b', { now: () => 0 });
    expect(await second.acquire()).toBeUndefined();
    await second.stop();
  });

  it('is taken over once a holder that stopped renewing (killed) has not moved it for the failover time', async () => {
    const table = await newTable();
    await writeLockItem(table, 'task-a', 7); // task-a was killed holding it: nobody renews it any more
    const lost: string[] = [];
    const replacement = lock(table, 'task-b', { lost });
    expect(await replacement.acquire()).toBeUndefined();
    // The replacement keeps it: another worker is refused.
    expect(await lock(table, 'task-c').acquire()).toEqual({ owner: 'task-b' });
    expect(lost).toEqual([]);
    await replacement.stop();
  });

  it('tells its holder when another worker took it', async () => {
    const table = await newTable();
    const lost: string[] = [];
    const first = lock(table, 'task-a', { lost });
    await first.acquire();
    await writeLockItem(table, 'task-b', 99); // e.g. task-a was paused for longer than the failover time
    await waitFor('the loss reported at the next renewal', () => lost.length === 1);
    expect(lost).toEqual(['task-a']);
    await first.stop();
  });
});

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalDynamoDb, startDynalite } from '../../test/dynamodb/local.js';
import { LeaseCoordinator, type LeaseCoordinatorOptions } from './lease-coordinator.js';
import { type Lease, LeaseTable, SHARD_END, TRIM_HORIZON } from './lease-table.js';

const FAILOVER_MS = 10_000;

let ddb: LocalDynamoDb;
let client: DynamoDBClient;
let table: LeaseTable;
let tableCount = 0;
let time = 0;

beforeAll(async () => {
  ddb = await startDynalite();
  client = ddb.client();
});
afterAll(() => ddb.stop());
beforeEach(async () => {
  tableCount += 1;
  time = 0;
  table = new LeaseTable({ client, tableName: `coordinated-${tableCount}` });
  await table.ensureTable();
});

const shardId = (n: number) => `shardId-${String(n).padStart(12, '0')}`;

async function createLeases(count: number, parentOf: (n: number) => string[] = () => []): Promise<string[]> {
  const keys = Array.from({ length: count }, (_, n) => shardId(n));
  for (const [n, leaseKey] of keys.entries()) {
    await table.createIfNotExists({
      leaseKey,
      checkpoint: TRIM_HORIZON,
      parentShardIds: parentOf(n),
      startingHashKey: null,
      endingHashKey: null,
    });
  }
  return keys;
}

/** A coordinator on the injected clock, recording `+key` on acquire and `-key` on loss. */
function worker(workerId: string, extra: Partial<LeaseCoordinatorOptions> = {}) {
  const events: string[] = [];
  const coordinator = new LeaseCoordinator({
    table,
    workerId,
    failoverMs: FAILOVER_MS,
    now: () => time,
    onAcquired: (lease) => events.push(`+${lease.leaseKey}`),
    onLost: (leaseKey) => events.push(`-${leaseKey}`),
    ...extra,
  });
  const held = () => coordinator.held().map((lease) => lease.leaseKey);
  return { coordinator, events, held };
}

type Worker = ReturnType<typeof worker>;

/** Every worker renews then takes once, in order; returns how many rounds until a round changed nothing. */
async function roundsUntilStable(workers: Worker[], maxRounds = 30): Promise<number> {
  for (let round = 1; round <= maxRounds; round += 1) {
    const before = workers.map((w) => w.events.length);
    for (const w of workers) {
      await w.coordinator.renewOnce();
      await w.coordinator.takeOnce();
    }
    if (workers.every((w, i) => w.events.length === before[i])) return round;
  }
  throw new Error(`not stable after ${maxRounds} rounds`);
}

async function owners(): Promise<Record<string, string | null>> {
  return Object.fromEntries((await table.list()).map((lease) => [lease.leaseKey, lease.leaseOwner]));
}

describe('LeaseCoordinator', () => {
  it('takes every unowned lease when alone, in leaseKey order', async () => {
    const keys = await createLeases(4);
    const a = worker('a');
    await a.coordinator.takeOnce();
    expect(a.events).toEqual(keys.map((key) => `+${key}`));
    expect(a.held()).toEqual(keys);
    expect(a.coordinator.held().map((lease) => lease.leaseCounter)).toEqual([1, 1, 1, 1]);
    expect(Object.values(await owners())).toEqual(['a', 'a', 'a', 'a']);
  });

  it('balances 8 leases over 3 workers to 3/3/2 by stealing one at a time, then stays put', async () => {
    const keys = await createLeases(8);
    const workers = [worker('a'), worker('b'), worker('c')];
    // Round 1: a takes all 8, b and c steal one each; rounds 2-3: one steal each while a is over 3;
    // round 4: a's renew notices the last steal; round 5 changes nothing (c needs 1, nobody holds more than 3).
    expect(await roundsUntilStable(workers)).toBe(5);
    expect(workers.map((w) => w.held().length)).toEqual([3, 3, 2]);
    expect(workers.flatMap((w) => w.held()).sort()).toEqual(keys);
    const table = await owners();
    for (const w of workers)
      for (const key of w.held()) expect(table[key]).toBe(w.coordinator.held()[0]?.leaseOwner);
    expect(workers[0]?.events.filter((event) => event.startsWith('-'))).toHaveLength(5);
    expect(await roundsUntilStable(workers)).toBe(1);
  });

  it('steals one lease per cycle from an overloaded worker, which learns on its next renew', async () => {
    const keys = await createLeases(8);
    const a = worker('a');
    const b = worker('b');
    await a.coordinator.takeOnce();
    await b.coordinator.takeOnce();
    expect(b.held()).toEqual([keys[0]]);
    expect(a.held()).toHaveLength(8); // not yet noticed
    await a.coordinator.renewOnce();
    expect(a.events.slice(8)).toEqual([`-${keys[0]}`]);
    expect(a.held()).toEqual(keys.slice(1));
    expect((await table.get(keys[0] as string))?.ownerSwitchesSinceCheckpoint).toBe(1);
  });

  it('steals up to maxLeasesToStealAtOnce in one cycle, never past the fair share', async () => {
    await createLeases(8);
    const a = worker('a');
    const b = worker('b', { maxLeasesToStealAtOnce: 10 });
    await a.coordinator.takeOnce();
    await b.coordinator.takeOnce();
    expect(b.held()).toHaveLength(4);
    await b.coordinator.takeOnce();
    expect(b.held()).toHaveLength(4);
  });

  it("takes a stopped worker's leases once their counters stayed unchanged for more than failoverMs", async () => {
    await createLeases(8);
    const a = worker('a');
    const b = worker('b', { maxLeasesToStealAtOnce: 4 });
    await roundsUntilStable([a, b]);
    const orphaned = a.held();
    expect(orphaned).toHaveLength(4);
    await a.coordinator.stop({ release: false });
    time = FAILOVER_MS;
    await b.coordinator.renewOnce();
    await b.coordinator.takeOnce();
    expect(b.held()).toHaveLength(4);
    time = FAILOVER_MS + 1;
    const acquiredBefore = b.events.length;
    await b.coordinator.takeOnce();
    expect(b.events.slice(acquiredBefore)).toEqual(orphaned.map((key) => `+${key}`));
    expect(Object.values(await owners())).toEqual(Array(8).fill('b'));
    expect((await table.get(orphaned[0] as string))?.ownerSwitchesSinceCheckpoint).toBe(1);
  });

  it('judges expiry on its own clock: a lease expires only failoverMs after this worker saw its counter move', async () => {
    await createLeases(4);
    const a = worker('a');
    const b = worker('b');
    await a.coordinator.takeOnce();
    await b.coordinator.takeOnce(); // steals one: 3/1
    await a.coordinator.renewOnce();
    time = 6_000;
    await b.coordinator.takeOnce(); // a is one over target: one more steal, 2/2
    await a.coordinator.renewOnce(); // a notices, renews its 2 at 6 000; b has not seen those counters yet
    time = 16_001;
    await b.coordinator.takeOnce(); // first sight of the new counters: stamped 16 001, not expired
    expect([a.held().length, b.held().length]).toEqual([2, 2]);
    time = 26_001;
    await b.coordinator.takeOnce();
    expect([a.held().length, b.held().length]).toEqual([2, 2]); // unchanged for exactly failoverMs
    time = 26_002;
    await b.coordinator.takeOnce();
    expect(b.held()).toHaveLength(4);
    await a.coordinator.renewOnce();
    expect(a.events.filter((event) => event.startsWith('-'))).toHaveLength(4);
    expect(a.held()).toEqual([]);
  });

  it('releases every lease on a graceful stop, so another worker takes them without waiting', async () => {
    const keys = await createLeases(8);
    let acquired = 0;
    let allAcquired = () => {};
    const allTaken = new Promise<void>((resolve) => {
      allAcquired = resolve;
    });
    const a = new LeaseCoordinator({
      table,
      workerId: 'a',
      onAcquired: () => {
        acquired += 1;
        if (acquired === keys.length) allAcquired();
      },
    });
    a.start(); // the first take cycle runs at once, on the real clock
    await allTaken;
    await a.stop({ release: true });
    expect(a.held()).toEqual([]);
    expect((await table.list()).map((lease) => [lease.leaseOwner, lease.leaseCounter])).toEqual(
      Array(8).fill([null, 2]),
    );
    const b = worker('b');
    await b.coordinator.takeOnce();
    expect(b.held()).toEqual(keys);
  });

  it('checkpoints while it holds the lease and reports false plus onLost once it was stolen', async () => {
    const [key] = await createLeases(2);
    const a = worker('a');
    const b = worker('b');
    await a.coordinator.takeOnce();
    await b.coordinator.takeOnce();
    const [stolen] = b.held();
    const kept = a.held().find((held) => held !== stolen) as string;
    expect(
      await a.coordinator.checkpoint(kept, '49590338271490256608559692538361571095921575989136588898', 2),
    ).toBe(true);
    expect(await table.get(kept)).toMatchObject({
      leaseOwner: 'a',
      checkpoint: '49590338271490256608559692538361571095921575989136588898',
      checkpointSubSequenceNumber: 2,
      ownerSwitchesSinceCheckpoint: 0,
    });
    expect(await a.coordinator.checkpoint(stolen as string, '1', 0)).toBe(false);
    expect(a.events).toEqual([`+${key}`, `+${shardId(1)}`, `-${stolen}`]);
    expect(a.held()).toEqual([kept]);
    expect(await b.coordinator.checkpoint(stolen as string, '1', 0)).toBe(true);
    expect((await table.get(stolen as string))?.ownerSwitchesSinceCheckpoint).toBe(0);
  });

  it('adopts a lease whose counter moved while it still names this worker (a write outside the coordinator)', async () => {
    const [key] = await createLeases(1);
    const a = worker('a');
    await a.coordinator.takeOnce();
    await table.checkpoint(a.coordinator.held()[0] as Lease, 'a', '7', 0);
    await a.coordinator.renewOnce();
    expect(a.events).toEqual([`+${key}`]);
    expect(a.coordinator.held()).toMatchObject([{ leaseKey: key, leaseCounter: 3, checkpoint: '7' }]);
  });

  it('takes a child only once its parent reached SHARD_END, and evicts the finished parent on renew', async () => {
    const [parent, child] = await createLeases(2, (n) => (n === 1 ? [shardId(0)] : []));
    const parentsDone = (lease: Lease, all: Lease[]) =>
      lease.parentShardIds.every(
        (id) => all.find((other) => other.leaseKey === id)?.checkpoint === SHARD_END,
      );
    const a = worker('a', { eligible: parentsDone });
    await a.coordinator.takeOnce();
    expect(a.held()).toEqual([parent]);
    expect(await a.coordinator.checkpoint(parent as string, SHARD_END, 0)).toBe(true);
    expect(a.held()).toEqual([parent]);
    await a.coordinator.renewOnce();
    expect(a.held()).toEqual([]);
    expect(await table.get(parent as string)).toMatchObject({ leaseOwner: null, checkpoint: SHARD_END });
    await a.coordinator.takeOnce();
    expect(a.held()).toEqual([child]);
    expect(a.events).toEqual([`+${parent}`, `+${child}`]);
  });

  it('keeps leases through table outages shorter than failoverMs, then drops and reports them', async () => {
    const outage = await startDynalite();
    const outageTable = new LeaseTable({ client: outage.client(), tableName: 'outage' });
    await outageTable.ensureTable();
    for (const leaseKey of [shardId(0), shardId(1)]) {
      await outageTable.createIfNotExists({
        leaseKey,
        checkpoint: TRIM_HORIZON,
        parentShardIds: [],
        startingHashKey: null,
        endingHashKey: null,
      });
    }
    const errors: unknown[] = [];
    const a = worker('a', { table: outageTable, onError: (error) => errors.push(error) });
    await a.coordinator.takeOnce();
    await outage.stop();
    time = FAILOVER_MS;
    await a.coordinator.renewOnce();
    expect(a.held()).toEqual([shardId(0), shardId(1)]);
    expect(errors).toHaveLength(2);
    time = FAILOVER_MS + 1;
    await a.coordinator.renewOnce();
    expect(a.held()).toEqual([]);
    expect(a.events).toEqual([`+${shardId(0)}`, `+${shardId(1)}`, `-${shardId(0)}`, `-${shardId(1)}`]);
  });

  it('logs one line per lease change: acquired (from whom), lost (why), released (why)', async () => {
    const keys = await createLeases(2);
    const lines: Record<string, unknown>[] = [];
    const logFor = (name: string) => {
      const record = (fields: object, msg: string) => lines.push({ worker: name, ...fields, msg });
      return { info: record, warn: record, error: record } as unknown as LeaseCoordinatorOptions['log'];
    };
    const a = worker('a', { log: logFor('a') });
    const b = worker('b', { log: logFor('b') });
    await a.coordinator.takeOnce();
    await b.coordinator.takeOnce(); // a holds both: b steals one
    const [stolen] = b.held();
    const kept = keys.find((key) => key !== stolen);
    await a.coordinator.renewOnce();
    await b.coordinator.checkpoint(stolen as string, SHARD_END, 0);
    await b.coordinator.renewOnce();
    await a.coordinator.stop({ release: true });
    expect(lines).toEqual([
      { worker: 'a', event: 'lease_acquired', shard: keys[0], previousOwner: null, msg: 'lease acquired' },
      { worker: 'a', event: 'lease_acquired', shard: keys[1], previousOwner: null, msg: 'lease acquired' },
      { worker: 'b', event: 'lease_acquired', shard: stolen, previousOwner: 'a', msg: 'lease acquired' },
      { worker: 'a', event: 'lease_lost', shard: stolen, reason: 'taken', msg: 'lease lost' },
      {
        worker: 'b',
        event: 'lease_released',
        shard: stolen,
        reason: 'shard_end',
        evicted: true,
        msg: 'lease released',
      },
      {
        worker: 'a',
        event: 'lease_released',
        shard: kept,
        reason: 'shutdown',
        evicted: true,
        msg: 'lease released',
      },
    ]);
  });
});

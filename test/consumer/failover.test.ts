import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { LeaseTable } from '../../processor/consumer/lease-table.js';
import { hashRangeOf, inRange, partitionKeyHash } from '../../processor/consumer/roles/hash-range.js';
import type { Finding } from '../../schemas/types.js';
import { createStream } from '../kinesis/local.js';
import {
  ACCOUNTS,
  compareWithReplay,
  MINUTE,
  putAll,
  startRun,
  story,
  ticks,
  waitForReplayFindings,
} from './cluster.js';
import { listShards, replayFindings, useEmulators, waitFor } from './harness.js';

const T0 = Date.UTC(2026, 10, 24, 9);
const BURST = 'ec2-large-instance-burst';
const records = (findings: readonly Finding[], detection: string) =>
  findings.filter((finding) => finding.detection === detection);

describe('two `shardwatch run` workers over a keyed stream, one SIGKILLed in the middle of a burst', () => {
  const env = useEmulators();

  it('the survivor takes over, records still arriving; together they find exactly what replay finds', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'shardwatch-failover-'));
    const client = env.kinesis.client();
    await Promise.all([createStream(client, 'failover', 4), createStream(client, 'failover-keyed', 4)]);
    const starts = (await listShards(client, 'failover')).map((shard) => shard.start);
    const consumer = {
      stream: 'failover',
      leaseTable: 'failover-leases',
      keyed: { stream: 'failover-keyed', leaseTable: 'failover-keyed-leases' },
      failover: '2s',
    };
    const a = startRun(env, directory, 'worker-a', consumer);
    const b = startRun(env, directory, 'worker-b', consumer);
    const tables = [consumer.leaseTable, consumer.keyed.leaseTable].map(
      (tableName) => new LeaseTable({ client: env.dynamo.client(), tableName }),
    );
    const leases = async () => Promise.all(tables.map((table) => table.list().catch(() => [])));
    const diagnostics = () => `\nA: ${a.stderr()}\nB: ${b.stderr()}`;
    await waitFor(
      'a 2/2 split of the source and keyed leases',
      async () =>
        (await leases()).every(
          (list) =>
            list.filter((l) => l.leaseOwner === 'worker-a').length === 2 &&
            list.filter((l) => l.leaseOwner === 'worker-b').length === 2,
        ),
      90_000,
      diagnostics,
    );
    // The burst that is open when A dies is in an account whose keyed shard A holds: its window is A's.
    const aKeyed = (await tables[1]?.list())?.filter((lease) => lease.leaseOwner === 'worker-a') ?? [];
    const inA = ACCOUNTS.findIndex((account) =>
      aKeyed.some((lease) =>
        inRange(partitionKeyHash(account), hashRangeOf(lease) ?? { start: 0n, end: -1n }),
      ),
    );
    expect(inA).toBeGreaterThanOrEqual(0);
    const other = (inA + 1) % ACCOUNTS.length;

    // 09:00–09:40: a burst closed before the kill, the burst A holds open at 09:16–09:18 (killed after its
    // fourth launch), one after the takeover in another account.
    const all = story(T0, 40, {
      bursts: [
        [5, other],
        [16, inA],
        [28, other],
      ],
    });
    const killAfter = all.findIndex(
      (record) =>
        record.eventName === 'RunInstances' &&
        Date.parse(record.eventTime as string) >= T0 + 16 * MINUTE + 66_000,
    );
    const [before, after] = [all.slice(0, killAfter), all.slice(killAfter)];
    const end = ticks(T0 + 4 * 60 * MINUTE, starts);
    const replayFile = join(directory, 'replay.jsonl');
    writeFileSync(
      replayFile,
      [...all, ...end.map((put) => put.record)].map((r) => JSON.stringify(r)).join('\n'),
    );
    const expected = await replayFindings([replayFile]);

    await putAll(
      client,
      'failover',
      before.map((record) => ({ record, hashKey: null })),
    );
    // Both have read their share: the burst's first launches are in A's engine.
    await waitFor(
      'both workers reading',
      () => a.findings().length > 0 && b.findings().length > 0,
      60_000,
      diagnostics,
    );
    await sleep(1500);
    a.child.kill('SIGKILL');
    const killedAt = performance.now();
    await a.exited;
    const writtenByA = a.findings().length;
    // Records keep arriving while nobody reads A's shards, and after.
    const arriving = putAll(
      client,
      'failover',
      after.map((record) => ({ record, hashKey: null })),
    );
    let takenOverAfter = Number.NaN;
    for (;;) {
      const owners = (await leases()).flat().map((lease) => lease.leaseOwner);
      if (owners.every((owner) => owner === 'worker-b')) {
        takenOverAfter = (performance.now() - killedAt) / 1000;
        break;
      }
      await sleep(1000); // the lease table read every second
    }
    console.log(`takeover of all 8 leases ${takenOverAfter.toFixed(1)} s after SIGKILL (failover 2 s)`);
    await arriving;
    await putAll(client, 'failover', end);
    await waitForReplayFindings([a, b], expected);
    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);

    expect(a.findings().length).toBe(writtenByA); // a killed worker writes nothing more
    expect(compareWithReplay([a.findings(), b.findings()], expected)).toEqual([]);
    expect(records(expected, BURST).map((f) => [f.count, f.account])).toEqual([
      [7, ACCOUNTS[other]],
      [7, ACCOUNTS[inA]],
      [6, ACCOUNTS[other]], // 09:28:05–09:30:05: the seventh launch falls in the next window
    ]);
    // The burst open when A died was found by B, from A's checkpoint and snapshot, with replay's count.
    const open = records(expected, BURST)[1] as Finding;
    expect(records(a.findings(), BURST).map((f) => f.id)).not.toContain(open.id);
    expect(records(b.findings(), BURST).map((f) => [f.id, f.count])).toContainEqual([open.id, 7]);
    // Neither worker emitted a window twice.
    for (const findings of [a.findings(), b.findings()]) {
      const ids = records(findings, BURST).map((f) => f.id);
      expect(ids.length).toBe(new Set(ids).size);
    }
  }, 240_000);
});

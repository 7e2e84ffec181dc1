import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { decodeEngineSnapshot } from '../../processor/consumer/engine-snapshot.js';
import { LeaseTable } from '../../processor/consumer/lease-table.js';
import { hashRangeOf, inRange, partitionKeyHash } from '../../processor/consumer/roles/hash-range.js';
import { SnapshotStore } from '../../processor/consumer/snapshot-store.js';
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

describe('a detect worker lagging 30 minutes of event time behind the other, then SIGKILLed', () => {
  const env = useEmulators();

  it('the survivor rebuilds its keyed shards from their snapshots: exactly what replay finds, nothing late', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'shardwatch-backlog-'));
    const client = env.kinesis.client();
    await Promise.all([createStream(client, 'backlog', 2), createStream(client, 'backlog-keyed', 4)]);
    const starts = (await listShards(client, 'backlog')).map((shard) => shard.start);
    const keyed = { stream: 'backlog-keyed', leaseTable: 'backlog-keyed-leases' };
    // Long leases: the stopped worker keeps its shards while the others move on.
    const consumer = { stream: 'backlog', leaseTable: 'backlog-leases', keyed, failover: '20s' };
    const ingest = startRun(env, directory, 'ingest', consumer, ['--role', 'ingest']);
    const a = startRun(env, directory, 'detect-a', consumer, ['--role', 'detect']);
    const b = startRun(env, directory, 'detect-b', consumer, ['--role', 'detect']);
    const processes = [ingest, a, b];
    const diagnostics = () => processes.map((p) => `${p.name}: ${p.stderr()}`).join('\n');
    const keyedLeases = new LeaseTable({ client: env.dynamo.client(), tableName: keyed.leaseTable });
    const held = async (owner: string) =>
      (await keyedLeases.list().catch(() => [])).filter((lease) => lease.leaseOwner === owner);
    await waitFor(
      'a 2/2 split of the keyed leases',
      async () => (await held('detect-a')).length === 2 && (await held('detect-b')).length === 2,
      90_000,
      diagnostics,
    );
    const aLeases = await held('detect-a');
    const ofA = (account: string) =>
      aLeases.some((lease) =>
        inRange(partitionKeyHash(account), hashRangeOf(lease) ?? { start: 0n, end: -1n }),
      );
    const inA = ACCOUNTS.findIndex(ofA);
    const inB = ACCOUNTS.findIndex((account) => !ofA(account));
    expect([inA, inB].every((index) => index >= 0)).toBe(true);

    // 09:00–09:20 read by both; then A stops reading while 09:20–10:00 arrives, with bursts in both.
    const first = story(T0, 20, {
      bursts: [
        [1, inA],
        [11, inB],
      ],
    });
    const backlog = story(T0 + 20 * MINUTE, 40, {
      bursts: [
        [8, inA],
        [21, inB],
        [33, inA],
      ],
    });
    const end = ticks(T0 + 4 * 60 * MINUTE, starts);
    const replayFile = join(directory, 'replay.jsonl');
    writeFileSync(
      replayFile,
      [...first, ...backlog, ...end.map((put) => put.record)].map((r) => JSON.stringify(r)).join('\n'),
    );
    const expected = await replayFindings([replayFile]);

    await putAll(
      client,
      'backlog',
      first.map((record) => ({ record, hashKey: null })),
    );
    await waitFor(
      'both detect workers past 09:10',
      async () =>
        ((await a.metric('shardwatch_watermark_seconds')) ?? 0) * 1000 > T0 + 10 * MINUTE &&
        ((await b.metric('shardwatch_watermark_seconds')) ?? 0) * 1000 > T0 + 10 * MINUTE,
      90_000,
      diagnostics,
    );
    a.child.kill('SIGSTOP'); // frozen: holds its leases, reads nothing
    const stoppedAt = performance.now();
    await putAll(
      client,
      'backlog',
      backlog.map((record) => ({ record, hashKey: null })),
    );
    await waitFor(
      'the other detect worker past 09:50',
      async () => ((await b.metric('shardwatch_watermark_seconds')) ?? 0) * 1000 > T0 + 50 * MINUTE,
      90_000,
      diagnostics,
    );
    // A lags at least 30 minutes of event time behind B: its checkpoints' snapshots start before 09:20.
    const store = new SnapshotStore({
      client: env.dynamo.client(),
      tableName: `${keyed.leaseTable}-snapshots`,
    });
    const aWatermarks = await Promise.all(
      (await held('detect-a')).map(async (lease) =>
        lease.snapshot === null
          ? Number.NEGATIVE_INFINITY
          : decodeEngineSnapshot(await store.load(lease.leaseKey, lease.snapshot)).watermark,
      ),
    );
    const bWatermark = ((await b.metric('shardwatch_watermark_seconds')) ?? 0) * 1000;
    expect(aWatermarks).toHaveLength(2);
    for (const watermark of aWatermarks) expect(bWatermark - watermark).toBeGreaterThanOrEqual(30 * MINUTE);

    a.child.kill('SIGKILL');
    const killedAt = performance.now();
    await a.exited;
    // The lease table read every second until the survivor holds the killed worker's shards.
    while ((await held('detect-a')).length > 0) await sleep(1000);
    const since = (at: number) => ((performance.now() - at) / 1000).toFixed(1);
    const [sinceStop, sinceKill] = [since(stoppedAt), since(killedAt)];
    console.log(
      `takeover of the lagging worker's keyed leases ${sinceStop} s after its last renewal ` +
        `(SIGSTOP), ${sinceKill} s after SIGKILL (failover 20 s)`,
    );
    await putAll(client, 'backlog', end);
    await waitForReplayFindings(processes, expected, 180_000);
    expect(await b.metric('shardwatch_events_late_total')).toBe(0);
    expect(await ingest.metric('shardwatch_events_late_total')).toBe(0);
    for (const { child } of [ingest, b]) child.kill('SIGTERM');
    expect(await Promise.all([ingest.exited, b.exited])).toEqual([0, 0]);
    expect(compareWithReplay([ingest.findings(), a.findings(), b.findings()], expected)).toEqual([]);
    // B took A's shards over: it found bursts of A's account, including those of the backlog.
    const bursts = expected.filter((f) => f.detection === 'ec2-large-instance-burst');
    expect(bursts.map((f) => f.account)).toEqual([
      ACCOUNTS[inA],
      ACCOUNTS[inB],
      ACCOUNTS[inA],
      ACCOUNTS[inB],
      ACCOUNTS[inA],
    ]);
    const foundByB = new Set(b.findings().map((f) => f.id));
    expect(
      bursts
        .filter((f) => f.account === ACCOUNTS[inA] && f.time > T0 + 20 * MINUTE)
        .every((f) => foundByB.has(f.id)),
    ).toBe(true);
  }, 300_000);
});

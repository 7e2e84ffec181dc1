import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LeaseTable } from '../../processor/consumer/lease-table.js';
import type { Finding } from '../../schemas/types.js';
import { createStream } from '../kinesis/local.js';
import {
  compareWithReplay,
  MINUTE,
  putAll,
  type RunProcess,
  startRun,
  story,
  ticks,
  waitForReplayFindings,
} from './cluster.js';
import { listShards, replayFindings, useEmulators, waitFor } from './harness.js';

const T0 = Date.UTC(2026, 10, 24, 9);

describe('`shardwatch run` workers over a keyed stream (role all), random partition keys, no failure', () => {
  const env = useEmulators();
  const directory = mkdtempSync(join(tmpdir(), 'shardwatch-scale-out-'));

  /**
   * `workers` processes on a 4-shard source stream and a 4-shard keyed stream; once the leases of both are
   * split, an hour of CloudTrail with bursts in four accounts is put at once with random partition keys (each
   * source shard read at its own pace), then ticks. Returns every output and what replay finds.
   */
  async function run(workers: number): Promise<{ outputs: Finding[][]; expected: Finding[] }> {
    const client = env.kinesis.client();
    const source = `source-${workers}`;
    const keyed = { stream: `keyed-${workers}`, leaseTable: `keyed-leases-${workers}` };
    await Promise.all([createStream(client, source, 4), createStream(client, keyed.stream, 4)]);
    const starts = (await listShards(client, source)).map((shard) => shard.start);
    const processes: RunProcess[] = Array.from({ length: workers }, (_, index) =>
      startRun(env, directory, `w${workers}-${index}`, {
        stream: source,
        leaseTable: `leases-${workers}`,
        keyed,
      }),
    );
    // Records go in only once every worker holds its fair share of both tables and the assignment has held for
    // two failover periods, so no lease is still being taken (a taker and a slow loser would both read the burst).
    const assignment = async (table: string) =>
      (await new LeaseTable({ client: env.dynamo.client(), tableName: table }).list().catch(() => []))
        .map((lease) => [lease.leaseKey, lease.leaseOwner] as const)
        .sort(([a], [b]) => a.localeCompare(b));
    const balanced = (leases: (readonly [string, string | null])[]) => {
      const counts = new Map<string | null, number>();
      for (const [, owner] of leases) counts.set(owner, (counts.get(owner) ?? 0) + 1);
      return (
        counts.size === workers &&
        !counts.has(null) &&
        [...counts.values()].every((n) => n >= Math.floor(4 / workers) && n <= Math.ceil(4 / workers))
      );
    };
    let stable = { leases: '', since: Date.now() };
    await waitFor(
      'every worker holding its share of the source and keyed leases, unchanged for 4 s',
      async () => {
        const tables = [await assignment(`leases-${workers}`), await assignment(keyed.leaseTable)];
        if (!tables.every(balanced)) return false;
        const leases = JSON.stringify(tables);
        if (leases !== stable.leases) stable = { leases, since: Date.now() };
        return Date.now() - stable.since >= 4_000;
      },
      90_000,
      () => processes.map((p) => `${p.name}: ${p.stderr()}`).join('\n'),
    );
    const records = story(T0, 60, {
      bursts: [
        [2, 0],
        [17, 1],
        [33, 2],
        [33, 3],
        [48, 4],
      ],
    });
    const end = ticks(T0 + 4 * 60 * MINUTE, starts);
    const replayFile = join(directory, `replay-${workers}.jsonl`);
    writeFileSync(
      replayFile,
      [...records, ...end.map((put) => put.record)].map((r) => JSON.stringify(r)).join('\n'),
    );
    const expected = await replayFindings([replayFile]);
    await putAll(
      client,
      source,
      records.map((record) => ({ record, hashKey: null })),
    );
    await putAll(client, source, end);
    const tables = [`leases-${workers}`, keyed.leaseTable].map(
      (tableName) => new LeaseTable({ client: env.dynamo.client(), tableName }),
    );
    await waitForReplayFindings(processes, expected, 120_000, tables);
    for (const { child } of processes) child.kill('SIGTERM');
    const codes = await Promise.all(processes.map((p) => p.exited));
    expect(codes).toEqual(processes.map(() => 0));
    return { outputs: processes.map((p) => p.findings()), expected };
  }

  for (const workers of [2, 3]) {
    it(`${workers} workers find exactly what replay finds, each finding in one worker's output only`, async () => {
      const { outputs, expected } = await run(workers);
      expect(compareWithReplay(outputs, expected)).toEqual([]);
      // Every worker found some of it, and no finding id was emitted by two workers.
      expect(outputs.map((findings) => findings.length > 0)).toEqual(outputs.map(() => true));
      const emittedBy = new Map<string, number>();
      outputs.forEach((findings, index) => {
        for (const { id, detection } of findings) {
          const named = `${detection} ${id}`;
          emittedBy.set(named, (emittedBy.get(named) ?? 0) | (1 << index));
        }
      });
      const shared = [...emittedBy].filter(([, mask]) => mask & (mask - 1));
      expect(shared).toEqual([]);
      // The story: 5 bursts (two in the same minute in different accounts) and hourly root-user roll-ups.
      const detections = [...new Set(expected.map((f) => f.detection))].sort();
      expect(detections).toEqual([
        'ec2-instance-unapproved-type',
        'ec2-large-instance-burst',
        'iam-configuration-changed',
        'iam-entity-created-manually',
        'iam-root-account-usage',
        'iam-user-created',
      ]);
      expect(expected.filter((f) => f.detection === 'ec2-large-instance-burst')).toHaveLength(5);
    }, 240_000);
  }
});

describe('role all without a keyed stream', () => {
  const env = useEmulators();
  const directory = mkdtempSync(join(tmpdir(), 'shardwatch-single-writer-'));

  it('runs in one task: a second live worker exits 2 naming the fix; after SIGKILL of the first, a new one starts', async () => {
    await createStream(env.kinesis.client(), 'alone', 1);
    const consumer = { stream: 'alone', leaseTable: 'alone-leases' };
    const first = startRun(env, directory, 'first', consumer);
    await waitFor(
      'the first worker consuming',
      () => first.stderr().includes('consuming alone'),
      60_000,
      first.stderr,
    );
    const second = startRun(env, directory, 'second', consumer);
    expect(await second.exited).toBe(2);
    expect(second.stderr()).toContain(
      'shardwatch run: worker first is running role all on lease table alone-leases: without consumer.keyedStream, ' +
        'role all runs in one task only (each task would count windows over only the shards it holds). ' +
        'Configure consumer.keyedStream to run several tasks, or run one task.',
    );
    expect(second.stderr()).not.toContain('consuming');
    first.child.kill('SIGKILL');
    await first.exited;
    // Its lock expires after the failover time (2 s): a replacement task takes over.
    const replacement = startRun(env, directory, 'replacement', consumer);
    await waitFor(
      'the replacement consuming',
      () => replacement.stderr().includes('consuming alone'),
      60_000,
      replacement.stderr,
    );
    replacement.child.kill('SIGTERM');
    expect(await replacement.exited).toBe(0);
  }, 120_000);
});

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../../schemas/types.js';
import { TimestreamServer } from '../../../test/aws/timestream-server.js';
import { type CheckpointChange, replayIntoDelivery } from '../../../test/sinks/replay-with-delivery.js';
import { listInputFiles } from '../../pipeline/replay.js';
import { DeadLetterFile } from '../dead-letter-file.js';
import { Delivery } from '../delivery.js';
import { TimestreamSink } from './timestream-sink.js';

const OUTAGE_MS = 30_000;
/** Acks of batches the server answered just before the outage began may still land after it began. */
const IN_FLIGHT_GRACE_MS = 1_000;
/** The samples cover 2026-11-24 09:00–11:45 UTC; the memory store's clock stands at the end of that day. */
const SAMPLE_DAY_END = Date.UTC(2026, 10, 24, 23, 59);

describe('TimestreamSink: a 30-second outage during a replay of the samples', () => {
  let server: TimestreamServer;
  let dir: string;
  let findings: Finding[];
  let checkpoints: CheckpointChange[];
  let finalCheckpoints: Map<string, number | undefined>;
  let outage: { start: number; end: number } | undefined;
  let metrics: ReturnType<Delivery['metrics']>;
  let healthyMidOutage: boolean | undefined;

  beforeAll(async () => {
    server = await TimestreamServer.start({
      now: () => SAMPLE_DAY_END,
      memoryStoreRetentionMs: 24 * 3_600_000,
    });
    dir = mkdtempSync(join(tmpdir(), 'timestream-outage-'));
    const sink = new TimestreamSink({
      clientConfig: {
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIDLOOPBACK', secretAccessKey: 'loopback-secret' },
        endpointProvider: () => ({ url: new URL(server.regionalUrl) }),
      },
      database: 'shardwatch',
      table: 'findings',
      // The default retry policy: the claim is that it rides out a 30-s outage.
    });
    // A small pending bound makes the replay wait on acks, so the outage falls in the middle of reading.
    const delivery = new Delivery({
      sinks: [sink],
      deadLetters: new DeadLetterFile(join(dir, 'dead-letters.jsonl')),
      maxPending: 8,
      lingerMs: 20,
    });
    const result = await replayIntoDelivery({
      files: await listInputFiles(['samples']),
      delivery,
      onCheckpoint: () => {
        if (outage) return;
        const start = Date.now();
        outage = { start, end: start + OUTAGE_MS };
        server.outage(OUTAGE_MS);
        setTimeout(() => {
          healthyMidOutage = delivery.metrics().timestream?.healthy;
        }, OUTAGE_MS / 2);
      },
    });
    metrics = delivery.metrics();
    await delivery.close();
    ({ findings, checkpoints, finalCheckpoints } = result);
  }, 120_000);

  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hit the outage: writes failed with 503 and were retried, the sink reported unhealthy meanwhile', () => {
    expect(outage).toBeDefined();
    const failed = server.requests.filter((r) => r.status === 503);
    expect(failed.length).toBeGreaterThan(0);
    expect(metrics.timestream?.retried).toBe(failed.length);
    expect(healthyMidOutage).toBe(false);
  });

  it('stored every finding exactly once: one row per finding id, roll-ups upserted to the highest count', () => {
    const highest = new Map<string, Finding>();
    for (const f of findings) if ((highest.get(f.id)?.count ?? 0) < f.count) highest.set(f.id, f);
    const rows = server.rows();

    expect(findings.length).toBeGreaterThan(20);
    expect(rows.map((r) => r.dimensions.finding_id).sort()).toEqual([...highest.keys()].sort());
    for (const row of rows) {
      const f = highest.get(row.dimensions.finding_id ?? '') as Finding;
      expect([row.time, row.version, row.measures.count?.value]).toEqual([f.time, f.count, String(f.count)]);
    }
  });

  it('lost nothing: every finding acked as written, no dead letters', () => {
    expect(metrics.timestream).toMatchObject({ written: findings.length, rejected: 0, healthy: true });
    const deadLetters = join(dir, 'dead-letters.jsonl');
    expect(existsSync(deadLetters) ? readFileSync(deadLetters, 'utf8') : '').toBe('');
    expect([...finalCheckpoints.values()].every((p) => p !== undefined)).toBe(true);
  });

  it('held the checkpoint back until the sink recovered', () => {
    const { start, end } = outage as { start: number; end: number };
    const before = checkpoints.filter((c) => c.at <= start + IN_FLIGHT_GRACE_MS);
    const during = checkpoints.filter((c) => c.at > start + IN_FLIGHT_GRACE_MS && c.at < end);
    const after = checkpoints.filter((c) => c.at >= end);

    expect(during).toEqual([]);
    expect(before.length).toBeGreaterThan(0);
    expect(after.length).toBeGreaterThan(0);
    // Recovery advanced the checkpoint beyond where the outage held it.
    const last = (input: string, changes: CheckpointChange[]) =>
      changes.filter((c) => c.input === input).at(-1)?.position ?? -1;
    const advanced = [...finalCheckpoints.keys()].filter((input) => last(input, after) > last(input, before));
    expect(advanced.length).toBeGreaterThan(0);
  });
});

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfluxDbServer } from '../../../test/influxdb/server.js';
import { type CheckpointChange, replayIntoDelivery } from '../../../test/sinks/replay-with-delivery.js';
import { listInputFiles } from '../../pipeline/replay.js';
import { DeadLetterFile } from '../dead-letter-file.js';
import { Delivery } from '../delivery.js';
import { DEFAULT_RETRY_POLICY } from '../retry.js';
import { InfluxDbSink } from './influxdb-sink.js';

const OUTAGE_MS = 30_000;

let influx: InfluxDbServer;
let dir: string;

beforeAll(async () => {
  influx = await InfluxDbServer.start();
  dir = await mkdtemp(join(tmpdir(), 'shardwatch-influx-outage-'));
}, 60_000);

afterAll(async () => {
  await influx?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a 30-second InfluxDB outage during a replay of the samples', () => {
  it('loses no finding, duplicates none, and holds the checkpoints until the sink recovers', async () => {
    const files = await listInputFiles(['samples']);
    // What the replay delivers with nothing in the way: the outage must change none of it.
    const reference = await replayIntoDelivery({
      files,
      delivery: new Delivery({ sinks: [], deadLetters: new DeadLetterFile(join(dir, 'unused.jsonl')) }),
    });
    await influx.createDatabase('outage');
    // The default policy is the one that must ride out 30 s.
    const sink = new InfluxDbSink({
      url: influx.url,
      apiVersion: 1,
      database: 'outage',
      retry: DEFAULT_RETRY_POLICY,
    });
    const deadLetters = new DeadLetterFile(join(dir, 'dead-letters.jsonl'));
    // maxPending 1: the replay reads its next batch only once everything before is acked (backpressure).
    const delivery = new Delivery({ sinks: [sink], deadLetters, maxPending: 1, lingerMs: 1 });
    const outage = {
      observedAt: 0,
      resumedAt: 0,
      checkpointsBefore: [] as CheckpointChange[],
      healthyInside: true,
    };
    let outageDone: Promise<void> | undefined;
    const checkpoints: CheckpointChange[] = [];
    const runOutage = async () => {
      await influx.pause();
      const pausedAt = Date.now();
      // From the third failed attempt on, no write can have been answered before the server stopped.
      while (sink.health.healthy) await sleep(10);
      outage.observedAt = Date.now();
      outage.checkpointsBefore = [...checkpoints];
      outage.healthyInside = delivery.metrics().influxdb?.healthy ?? true;
      await sleep(OUTAGE_MS - (Date.now() - pausedAt));
      outage.resumedAt = Date.now();
      await influx.resume();
    };

    const result = await replayIntoDelivery({
      files,
      delivery,
      onCheckpoint: (change) => {
        checkpoints.push(change);
        // The outage starts once the first checkpoint moved, so there is one to hold back.
        outageDone ??= runOutage();
      },
    });
    await outageDone;
    await delivery.close();

    expect(outage.healthyInside).toBe(false);
    // When the outage was observed, the checkpoints stood behind where they end: something was held back.
    const standing = new Map(outage.checkpointsBefore.map((c) => [c.input, c.position]));
    expect(standing.size).toBeGreaterThan(0);
    expect(standing).not.toEqual(reference.finalCheckpoints);
    // Held: no checkpoint moved while the sink was down; they moved again after it came back.
    expect(result.checkpoints.filter((c) => c.at >= outage.observedAt && c.at < outage.resumedAt)).toEqual(
      [],
    );
    expect(result.checkpoints.filter((c) => c.at >= outage.resumedAt).length).toBeGreaterThan(0);
    expect(result.finalCheckpoints).toEqual(reference.finalCheckpoints);
    // None lost: every finding acked as written, none dead-lettered.
    expect(result.findings.map((f) => f.id)).toEqual(reference.findings.map((f) => f.id));
    const metrics = delivery.metrics().influxdb;
    expect(metrics?.written).toBe(reference.findings.length);
    expect(metrics?.rejected).toBe(0);
    expect(metrics?.retried).toBeGreaterThanOrEqual(3);
    expect(metrics?.healthy).toBe(true);
    expect(await readFile(join(dir, 'dead-letters.jsonl'), 'utf8').catch(() => '')).toBe('');
    // None duplicated: one row per distinct finding id (a replay emits some findings twice: same id).
    const rows = await influx.select('outage', 'SELECT finding_id, risk_score FROM finding');
    const distinct = [...new Set(reference.findings.map((f) => f.id))].sort();
    expect(rows.map((row) => row.finding_id).sort()).toEqual(distinct);
  }, 180_000);
});

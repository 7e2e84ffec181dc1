import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type HealthServer, type HealthSnapshot, startHealthServer } from './health-server.js';

const WATERMARK = Date.UTC(2026, 10, 24, 9, 30, 0, 250);
const SHARD_0 = 'shardId-000000000000';
const SHARD_1 = 'shardId-000000000001';

function runningSnapshot(): HealthSnapshot {
  return {
    role: 'all',
    workerId: 'worker-a',
    stream: 'org-trail',
    watermark: Number.NEGATIVE_INFINITY,
    shards: [
      { shardId: SHARD_0, millisBehindLatest: 1500, records: 120, outstanding: 3, idle: false },
      { shardId: SHARD_1, millisBehindLatest: 0, records: 0, outstanding: 0, idle: true },
    ],
    sinks: {
      jsonl: {
        written: 40,
        retried: 0,
        rejected: 1,
        batches: 4,
        meanBatchSize: 10.25,
        latencyMs: { mean: 2.5, max: 7, p99: 7 },
        healthy: true,
      },
      sns: {
        written: 38,
        retried: 5,
        rejected: 0,
        batches: 4,
        meanBatchSize: 9.5,
        latencyMs: { mean: 120, max: 410 },
        healthy: true,
      },
    },
    events: { bySource: { cloudtrail: 100, guardduty: 2, flowlog: 18 }, late: 4 },
    findings: { 'cloudtrail-logging-stopped': 1, 'console-login-without-mfa': 2 },
    deadLetters: 3,
  };
}

interface Exposition {
  /** `name{labels}` exactly as exposed → value text. */
  samples: Map<string, string>;
  /** metric name → its `# TYPE`. */
  types: Map<string, string>;
}

function parseExposition(text: string): Exposition {
  const samples = new Map<string, string>();
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1] as string, type[2] as string);
    else if (line !== '' && !line.startsWith('#')) {
      const space = line.lastIndexOf(' ');
      samples.set(line.slice(0, space), line.slice(space + 1));
    }
  }
  return { samples, types };
}

describe('startHealthServer', () => {
  let state: HealthSnapshot;
  let failure: Error | undefined;
  let server: HealthServer;

  beforeEach(async () => {
    state = runningSnapshot();
    failure = undefined;
    server = await startHealthServer({
      port: 0,
      host: '127.0.0.1',
      snapshot: () => {
        if (failure) throw failure;
        return state;
      },
    });
  });
  afterEach(() => server.close());

  const get = (path: string, init?: RequestInit) => fetch(`${server.url}${path}`, init);
  const metrics = async () => {
    const response = await get('/metrics');
    expect(response.status).toBe(200);
    return parseExposition(await response.text());
  };

  it('listens on the given host and an ephemeral port', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
  });

  it('answers /healthz 200 while every sink is healthy and 503 listing the unhealthy ones', async () => {
    const ok = await get('/healthz');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await ok.json()).toEqual({
      status: 'ok',
      role: 'all',
      workerId: 'worker-a',
      stream: 'org-trail',
      watermark: null,
      shards: 2,
      unhealthySinks: [],
    });

    state.watermark = WATERMARK;
    (state.sinks.sns as HealthSnapshot['sinks'][string]).healthy = false;
    const unhealthy = await get('/healthz');
    expect(unhealthy.status).toBe(503);
    expect(await unhealthy.json()).toEqual({
      status: 'unhealthy',
      role: 'all',
      workerId: 'worker-a',
      stream: 'org-trail',
      watermark: '2026-11-24T09:30:00.250Z',
      shards: 2,
      unhealthySinks: ['sns'],
    });
  });

  it('exposes every metric from the snapshot, without a watermark sample before the first event', async () => {
    const response = await get('/metrics');
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const { samples, types } = parseExposition(await response.text());
    expect(Object.fromEntries(samples)).toEqual({
      'shardwatch_info{role="all",worker_id="worker-a",stream="org-trail"}': '1',
      shardwatch_shards_leased: '2',
      [`shardwatch_shard_millis_behind_latest{shard="${SHARD_0}"}`]: '1500',
      [`shardwatch_shard_millis_behind_latest{shard="${SHARD_1}"}`]: '0',
      [`shardwatch_shard_records_read{shard="${SHARD_0}"}`]: '120',
      [`shardwatch_shard_records_read{shard="${SHARD_1}"}`]: '0',
      [`shardwatch_shard_outstanding_records{shard="${SHARD_0}"}`]: '3',
      [`shardwatch_shard_outstanding_records{shard="${SHARD_1}"}`]: '0',
      [`shardwatch_shard_idle{shard="${SHARD_0}"}`]: '0',
      [`shardwatch_shard_idle{shard="${SHARD_1}"}`]: '1',
      'shardwatch_events_total{source="cloudtrail"}': '100',
      'shardwatch_events_total{source="guardduty"}': '2',
      'shardwatch_events_total{source="flowlog"}': '18',
      shardwatch_events_late_total: '4',
      'shardwatch_findings_total{detection="cloudtrail-logging-stopped"}': '1',
      'shardwatch_findings_total{detection="console-login-without-mfa"}': '2',
      shardwatch_dead_letters_total: '3',
      'shardwatch_sink_findings_written_total{sink="jsonl"}': '40',
      'shardwatch_sink_findings_written_total{sink="sns"}': '38',
      'shardwatch_sink_findings_retried_total{sink="jsonl"}': '0',
      'shardwatch_sink_findings_retried_total{sink="sns"}': '5',
      'shardwatch_sink_findings_rejected_total{sink="jsonl"}': '1',
      'shardwatch_sink_findings_rejected_total{sink="sns"}': '0',
      'shardwatch_sink_healthy{sink="jsonl"}': '1',
      'shardwatch_sink_healthy{sink="sns"}': '1',
      'shardwatch_sink_batch_latency_ms{sink="jsonl",stat="mean"}': '2.5',
      'shardwatch_sink_batch_latency_ms{sink="jsonl",stat="max"}': '7',
      'shardwatch_sink_batch_latency_ms{sink="jsonl",stat="p99"}': '7',
      'shardwatch_sink_batch_latency_ms{sink="sns",stat="mean"}': '120',
      'shardwatch_sink_batch_latency_ms{sink="sns",stat="max"}': '410',
    });
    expect(Object.fromEntries(types)).toEqual({
      shardwatch_info: 'gauge',
      shardwatch_watermark_seconds: 'gauge',
      shardwatch_shards_leased: 'gauge',
      shardwatch_shard_millis_behind_latest: 'gauge',
      shardwatch_shard_records_read: 'gauge',
      shardwatch_shard_outstanding_records: 'gauge',
      shardwatch_shard_idle: 'gauge',
      shardwatch_events_total: 'counter',
      shardwatch_events_late_total: 'counter',
      shardwatch_findings_total: 'counter',
      shardwatch_dead_letters_total: 'counter',
      shardwatch_sink_findings_written_total: 'counter',
      shardwatch_sink_findings_retried_total: 'counter',
      shardwatch_sink_findings_rejected_total: 'counter',
      shardwatch_sink_healthy: 'gauge',
      shardwatch_sink_batch_latency_ms: 'gauge',
      shardwatch_keyed_stream_watermark_seconds: 'gauge',
      shardwatch_keyed_stream_pending: 'gauge',
      shardwatch_keyed_stream_published_total: 'counter',
    });
  });

  it('re-reads the snapshot on every scrape: watermark, moved leases, keyed stream, unhealthy sink', async () => {
    await metrics();
    state.role = 'ingest';
    state.watermark = WATERMARK;
    state.shards = [{ shardId: SHARD_1, millisBehindLatest: 250, records: 7, outstanding: 1, idle: false }];
    state.events.bySource.cloudtrail = 130;
    (state.sinks.jsonl as HealthSnapshot['sinks'][string]).healthy = false;
    state.keyedStream = { watermark: WATERMARK - 300_000, pending: 4, published: 96 };

    const { samples } = await metrics();
    expect(
      samples.get('shardwatch_info{role="all",worker_id="worker-a",stream="org-trail"}'),
    ).toBeUndefined();
    expect(samples.get('shardwatch_info{role="ingest",worker_id="worker-a",stream="org-trail"}')).toBe('1');
    expect(samples.get('shardwatch_watermark_seconds')).toBe('1795512600.25');
    expect(samples.get('shardwatch_shards_leased')).toBe('1');
    expect([...samples.keys()].filter((name) => name.includes(SHARD_0))).toEqual([]);
    expect(samples.get(`shardwatch_shard_records_read{shard="${SHARD_1}"}`)).toBe('7');
    expect(samples.get(`shardwatch_shard_idle{shard="${SHARD_1}"}`)).toBe('0');
    expect(samples.get('shardwatch_events_total{source="cloudtrail"}')).toBe('130');
    expect(samples.get('shardwatch_sink_healthy{sink="jsonl"}')).toBe('0');
    expect(samples.get('shardwatch_keyed_stream_watermark_seconds')).toBe('1795512300.25');
    expect(samples.get('shardwatch_keyed_stream_pending')).toBe('4');
    expect(samples.get('shardwatch_keyed_stream_published_total')).toBe('96');
  });

  it('answers HEAD without a body, 404 for other paths and 405 for other methods', async () => {
    const head = await get('/healthz', { method: 'HEAD' });
    expect([head.status, await head.text()]).toEqual([200, '']);

    const missing = await get('/status');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'not found: /status' });

    const post = await get('/metrics', { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect(await post.json()).toEqual({ error: 'method not allowed: POST' });
  });

  it('answers 500 with a one-line JSON error when snapshot() throws, and keeps serving', async () => {
    failure = new Error('worker not started');
    for (const path of ['/healthz', '/metrics']) {
      const response = await get(path);
      expect([response.status, await response.text()]).toEqual([500, '{"error":"worker not started"}\n']);
    }

    failure = undefined;
    expect((await get('/healthz')).status).toBe(200);
    expect((await metrics()).samples.get('shardwatch_shards_leased')).toBe('2');
  });

  it('frees its port on close()', async () => {
    const port = Number(new URL(server.url).port);
    expect((await get('/healthz')).status).toBe(200);
    await server.close();

    server = await startHealthServer({ port, host: '127.0.0.1', snapshot: () => state });
    expect(server.url).toBe(`http://127.0.0.1:${port}`);
    expect((await get('/healthz')).status).toBe(200);
  });
});

import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Registry } from 'prom-client';
import type { EventSource } from '../../schemas/types.js';
import type { ShardStatus } from '../consumer/worker.js';
import type { SinkMetrics } from '../sinks/delivery.js';

/** What `shardwatch run` reports, read on every request (cheap getters only). */
export interface HealthSnapshot {
  role: 'all' | 'ingest' | 'detect';
  workerId: string;
  stream: string;
  /** Pipeline watermark in ms since the epoch; -Infinity before the first event. */
  watermark: number;
  shards: ShardStatus[];
  sinks: Record<string, SinkMetrics>;
  events: { bySource: Record<EventSource, number>; late: number };
  /** Findings emitted per detection id (new ones, not dedup updates). */
  findings: Record<string, number>;
  deadLetters: number;
  /**
   * Role ingest: the watermark its keyed records carry (ms since the epoch; null before the first promise), and
   * records queued or in flight to / published on the keyed stream.
   */
  keyedStream?: { watermark: number | null; pending: number; published: number };
}

export interface HealthServer {
  url: string;
  close(): Promise<void>;
}

type Labels = Record<string, string>;
type Sample = readonly [labels: Labels, value: number];

/** One exported metric: its samples are computed from the snapshot of the current scrape. */
interface MetricSpec {
  name: string;
  help: string;
  /** Counters carry totals the process already keeps; they are re-read (reset + inc), never accumulated. */
  type: 'gauge' | 'counter';
  labelNames?: readonly string[];
  samples(snapshot: HealthSnapshot): Sample[];
}

const flag = (value: boolean) => (value ? 1 : 0);
const perShard = (value: (shard: ShardStatus) => number) => (s: HealthSnapshot) =>
  s.shards.map((shard): Sample => [{ shard: shard.shardId }, value(shard)]);
const perSink = (value: (sink: SinkMetrics) => number) => (s: HealthSnapshot) =>
  Object.entries(s.sinks).map(([sink, metrics]): Sample => [{ sink }, value(metrics)]);
const perKey = (label: string, values: Record<string, number>) =>
  Object.entries(values).map(([key, value]): Sample => [{ [label]: key }, value]);
const keyed =
  (value: (k: NonNullable<HealthSnapshot['keyedStream']>) => number) =>
  (s: HealthSnapshot): Sample[] =>
    s.keyedStream ? [[{}, value(s.keyedStream)]] : [];

const METRICS: readonly MetricSpec[] = [
  {
    name: 'shardwatch_info',
    help: 'Role, worker id and stream of this process (always 1).',
    type: 'gauge',
    labelNames: ['role', 'worker_id', 'stream'],
    samples: (s) => [[{ role: s.role, worker_id: s.workerId, stream: s.stream }, 1]],
  },
  {
    name: 'shardwatch_watermark_seconds',
    help: 'Pipeline event-time watermark in seconds since the epoch (absent before the first event).',
    type: 'gauge',
    samples: (s) => (Number.isFinite(s.watermark) ? [[{}, s.watermark / 1000]] : []),
  },
  {
    name: 'shardwatch_shards_leased',
    help: 'Shards this worker holds a lease on.',
    type: 'gauge',
    samples: (s) => [[{}, s.shards.length]],
  },
  {
    name: 'shardwatch_shard_millis_behind_latest',
    help: 'MillisBehindLatest of the last GetRecords per leased shard.',
    type: 'gauge',
    labelNames: ['shard'],
    samples: perShard((shard) => shard.millisBehindLatest),
  },
  {
    name: 'shardwatch_shard_records_read',
    help: 'Kinesis records read since this worker took the lease (restarts when the lease moves).',
    type: 'gauge',
    labelNames: ['shard'],
    samples: perShard((shard) => shard.records),
  },
  {
    name: 'shardwatch_shard_outstanding_records',
    help: 'Records read but not yet checkpointable per leased shard.',
    type: 'gauge',
    labelNames: ['shard'],
    samples: perShard((shard) => shard.outstanding),
  },
  {
    name: 'shardwatch_shard_idle',
    help: '1 when the shard is caught up with no records (not holding the watermark back).',
    type: 'gauge',
    labelNames: ['shard'],
    samples: perShard((shard) => flag(shard.idle)),
  },
  {
    name: 'shardwatch_events_total',
    help: 'Security events decoded per source.',
    type: 'counter',
    labelNames: ['source'],
    samples: (s) => perKey('source', s.events.bySource),
  },
  {
    name: 'shardwatch_events_late_total',
    help: 'Events dropped because every window they belong to had already fired.',
    type: 'counter',
    samples: (s) => [[{}, s.events.late]],
  },
  {
    name: 'shardwatch_findings_total',
    help: 'New findings emitted per detection (dedup updates excluded).',
    type: 'counter',
    labelNames: ['detection'],
    samples: (s) => perKey('detection', s.findings),
  },
  {
    name: 'shardwatch_dead_letters_total',
    help: 'Records or findings written to the dead-letter sink.',
    type: 'counter',
    samples: (s) => [[{}, s.deadLetters]],
  },
  {
    name: 'shardwatch_sink_findings_written_total',
    help: 'Findings the sink accepted.',
    type: 'counter',
    labelNames: ['sink'],
    samples: perSink((sink) => sink.written),
  },
  {
    name: 'shardwatch_sink_findings_retried_total',
    help: 'Retries of batch sends to the sink.',
    type: 'counter',
    labelNames: ['sink'],
    samples: perSink((sink) => sink.retried),
  },
  {
    name: 'shardwatch_sink_findings_rejected_total',
    help: 'Findings the sink rejected (dead-lettered).',
    type: 'counter',
    labelNames: ['sink'],
    samples: perSink((sink) => sink.rejected),
  },
  {
    name: 'shardwatch_sink_healthy',
    help: '1 while the sink circuit is closed.',
    type: 'gauge',
    labelNames: ['sink'],
    samples: perSink((sink) => flag(sink.healthy)),
  },
  {
    name: 'shardwatch_sink_batch_latency_ms',
    help: 'Wall time of a batch send, retries included (p99 over the last 1024 batches, once there is one).',
    type: 'gauge',
    labelNames: ['sink', 'stat'],
    samples: (s) =>
      Object.entries(s.sinks).flatMap(([sink, { latencyMs }]): Sample[] => [
        [{ sink, stat: 'mean' }, latencyMs.mean],
        [{ sink, stat: 'max' }, latencyMs.max],
        ...(latencyMs.p99 === undefined ? [] : [[{ sink, stat: 'p99' }, latencyMs.p99] as const]),
      ]),
  },
  {
    name: 'shardwatch_keyed_stream_watermark_seconds',
    help: 'The watermark ingest promises with its keyed-stream records, in seconds since the epoch (role ingest).',
    type: 'gauge',
    samples: (s) =>
      s.keyedStream?.watermark === null || s.keyedStream === undefined
        ? []
        : [[{}, s.keyedStream.watermark / 1000]],
  },
  {
    name: 'shardwatch_keyed_stream_pending',
    help: 'Events queued or in flight to the keyed stream (role ingest).',
    type: 'gauge',
    samples: keyed((k) => k.pending),
  },
  {
    name: 'shardwatch_keyed_stream_published_total',
    help: 'Events published to the keyed stream (role ingest).',
    type: 'counter',
    samples: keyed((k) => k.published),
  },
];

/**
 * A private registry whose metrics re-read, in their collect(), the snapshot taken for the current scrape:
 * one snapshot per scrape keeps the samples consistent with each other.
 */
function prometheusExporter() {
  const registry = new Registry();
  let scraped: HealthSnapshot | undefined;
  const current = () => {
    if (!scraped) throw new Error('metrics collected outside a scrape');
    return scraped;
  };
  for (const spec of METRICS) {
    const config = {
      name: spec.name,
      help: spec.help,
      labelNames: spec.labelNames ?? [],
      registers: [registry],
    };
    if (spec.type === 'gauge') {
      new Gauge({
        ...config,
        collect() {
          // reset + remove: labels that left (a lease moved) and an unlabelled default 0 are not exposed
          this.reset();
          this.remove({});
          for (const [labels, value] of spec.samples(current())) this.set(labels, value);
        },
      });
    } else {
      new Counter({
        ...config,
        collect() {
          this.reset();
          this.remove({});
          for (const [labels, value] of spec.samples(current())) this.inc(labels, value);
        },
      });
    }
  }
  return {
    contentType: registry.contentType,
    render(snapshot: HealthSnapshot): Promise<string> {
      scraped = snapshot;
      return registry.metrics();
    },
  };
}

function healthBody(s: HealthSnapshot) {
  const unhealthySinks = Object.entries(s.sinks)
    .filter(([, metrics]) => !metrics.healthy)
    .map(([sink]) => sink)
    .sort();
  return {
    status: unhealthySinks.length === 0 ? 'ok' : 'unhealthy',
    role: s.role,
    workerId: s.workerId,
    stream: s.stream,
    watermark: Number.isFinite(s.watermark) ? new Date(s.watermark).toISOString() : null,
    shards: s.shards.length,
    unhealthySinks,
  };
}

const JSON_TYPE = 'application/json; charset=utf-8';

function send(res: ServerResponse, status: number, contentType: string, body: string, headers = {}): void {
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

const sendJson = (res: ServerResponse, status: number, body: unknown, headers = {}) =>
  send(res, status, JSON_TYPE, `${JSON.stringify(body)}\n`, headers);

/**
 * Serves GET /healthz (200 when every sink is healthy, else 503; the ECS container health check) and
 * GET /metrics (Prometheus text) from `snapshot()`, read on every request. Port 0 picks a free port.
 *
 *   const health = await startHealthServer({ port: 9090, snapshot: () => run.healthSnapshot() });
 *   await health.close();
 */
export async function startHealthServer(o: {
  port: number;
  host?: string;
  snapshot: () => HealthSnapshot;
}): Promise<HealthServer> {
  const exporter = prometheusExporter();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== '/healthz' && path !== '/metrics')
      return sendJson(res, 404, { error: `not found: ${path}` });
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendJson(res, 405, { error: `method not allowed: ${req.method}` }, { Allow: 'GET, HEAD' });
    }
    try {
      const snapshot = o.snapshot();
      if (path === '/metrics') return send(res, 200, exporter.contentType, await exporter.render(snapshot));
      const body = healthBody(snapshot);
      return sendJson(res, body.status === 'ok' ? 200 : 503, body);
    } catch (error) {
      return sendJson(res, 500, { error: error instanceof Error ? error.message : String(error) });
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  server.listen(o.port, o.host ?? '0.0.0.0');
  await once(server, 'listening');
  const { address, family, port } = server.address() as AddressInfo;
  return {
    url: `http://${family === 'IPv6' ? `[${address}]` : address}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

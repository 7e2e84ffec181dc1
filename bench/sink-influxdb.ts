import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeadLetterFile } from '../processor/sinks/dead-letter-file.js';
import { Delivery } from '../processor/sinks/delivery.js';
import { InfluxDbSink } from '../processor/sinks/influxdb/index.js';
import type { Finding } from '../schemas/types.js';
import { InfluxDbServer } from '../test/influxdb/server.js';

/**
 * InfluxDB sink throughput: N findings through Delivery + InfluxDbSink into a real InfluxDB 1.6 (Debian's
 * influxd, started here on loopback); once clean, once with a 3-s outage (server stopped) early in the run.
 * Prints findings/s, write requests (batches), the mean batch size and the rows stored. Not a test.
 *
 *   npx tsx bench/sink-influxdb.ts [findings=20000]
 */
const total = Number(process.argv[2] ?? 20_000);
const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
const T0 = Date.parse('2024-04-02T00:00:00Z');

function finding(n: number): Finding {
  const severity = SEVERITIES[n % SEVERITIES.length] ?? 'info';
  return {
    id: `bench-${n}`,
    detection: `bench.detection-${n % 20}`,
    title: 'Benchmark finding',
    description: 'Synthetic finding for the sink benchmark',
    severity,
    tier: n % 3 === 0 ? 'alert' : 'log',
    riskScore: (n * 7) % 101,
    time: T0 + n * 10,
    window: null,
    account: String(100000000000 + (n % 50)),
    region: n % 2 === 0 ? 'us-east-1' : 'eu-west-1',
    principal: `arn:aws:iam::123456789012:user/u${n % 100}`,
    resources: [],
    mitre: [],
    evidence: [`e${n}`],
    count: 1,
    runbook: 'https://runbooks.example/bench',
    remediation: 'none',
    dedupKey: `k${n}`,
    context: {},
  };
}

async function run(label: string, outageMs: number): Promise<void> {
  const influx = await InfluxDbServer.start();
  await influx.createDatabase('bench');
  const dir = mkdtempSync(join(tmpdir(), 'sink-influxdb-bench-'));
  const deadLetters = new DeadLetterFile(join(dir, 'dead-letters.jsonl'));
  const sink = new InfluxDbSink({ url: influx.url, apiVersion: 1, database: 'bench' });
  const delivery = new Delivery({ sinks: [sink], deadLetters });
  let acked = 0;
  const started = performance.now();
  let outage: Promise<void> | undefined;
  for (let n = 0; n < total; n += 1) {
    delivery.submit(finding(n), () => {
      acked += 1;
    });
    if (outageMs > 0 && n === Math.floor(total / 4)) {
      outage = influx.pause().then(async () => {
        await sleep(outageMs);
        await influx.resume();
      });
    }
    if (n % 500 === 499) await delivery.ready();
  }
  await delivery.flush();
  const seconds = (performance.now() - started) / 1000;
  await outage;
  const metrics = delivery.metrics()[sink.name];
  const rows = await influx.select('bench', 'SELECT COUNT(risk_score) FROM finding');
  await delivery.close();
  await influx.stop();
  rmSync(dir, { recursive: true, force: true });
  const report = {
    run: label,
    findings: total,
    acked,
    rowsStored: rows[0]?.count ?? 0,
    seconds: Number(seconds.toFixed(2)),
    findingsPerSecond: Math.round(total / seconds),
    batches: metrics?.batches,
    meanBatchSize: Number((metrics?.meanBatchSize ?? 0).toFixed(1)),
    delivery: metrics,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

await run('clean', 0);
await run('outage-3s', 3_000);

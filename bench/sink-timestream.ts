import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DeadLetterFile } from '../processor/sinks/dead-letter-file.js';
import { Delivery } from '../processor/sinks/delivery.js';
import { TimestreamSink } from '../processor/sinks/timestream/index.js';
import type { Finding } from '../schemas/types.js';
import { TimestreamServer } from '../test/aws/timestream-server.js';

/**
 * Timestream LiveAnalytics sink throughput: N findings through Delivery + TimestreamSink (real SDK client,
 * endpoint discovery) into the loopback Timestream server; once clean, once with injected throttling and 5xx.
 * Prints findings/s, WriteRecords calls and the mean batch size. Not a test: numbers depend on the machine.
 *
 *   npx tsx bench/sink-timestream.ts [findings=20000]
 */
const total = Number(process.argv[2] ?? 20_000);
const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;

function finding(n: number, now: number): Finding {
  const severity = SEVERITIES[n % SEVERITIES.length] ?? 'info';
  return {
    id: `bench-${n}`,
    detection: `bench.detection-${n % 20}`,
    title: 'Benchmark finding',
    description: 'Synthetic finding for the sink benchmark',
    severity,
    tier: n % 3 === 0 ? 'alert' : 'log',
    riskScore: (n * 7) % 101,
    time: now - (n % 3_600_000),
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

async function run(label: string, inject: (server: TimestreamServer) => void): Promise<void> {
  const server = await TimestreamServer.start();
  inject(server);
  const dir = mkdtempSync(join(tmpdir(), 'sink-timestream-bench-'));
  const deadLetters = new DeadLetterFile(join(dir, 'dead-letters.jsonl'));
  const sink = new TimestreamSink({
    clientConfig: {
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-secret' },
      endpointProvider: () => ({ url: new URL(server.regionalUrl) }),
    },
    database: 'shardwatch',
    table: 'findings',
  });
  const delivery = new Delivery({ sinks: [sink], deadLetters });
  const now = Date.now();
  let acked = 0;
  const started = performance.now();
  for (let n = 0; n < total; n += 1) {
    delivery.submit(finding(n, now), () => {
      acked += 1;
    });
    if (n % 500 === 499) await delivery.ready();
  }
  await delivery.flush();
  const seconds = (performance.now() - started) / 1000;
  const metrics = delivery.metrics()[sink.name];
  const calls = server.writeBatches;
  await delivery.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  const report = {
    run: label,
    findings: total,
    acked,
    rowsStored: server.rows().length,
    seconds: Number(seconds.toFixed(2)),
    findingsPerSecond: Math.round(total / seconds),
    writeRecordsCalls: calls.length,
    meanRecordsPerCall: Number((calls.reduce((a, b) => a + b, 0) / calls.length).toFixed(1)),
    failedCalls: server.requests.filter((r) => r.status !== 200 && r.status !== 419).length,
    delivery: metrics,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

await run('clean', () => {});
await run('throttled', (server) => {
  server.throttleNext(8);
  server.failNext(4);
});

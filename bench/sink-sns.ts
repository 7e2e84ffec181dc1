import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DeadLetterFile } from '../processor/sinks/dead-letter-file.js';
import { Delivery } from '../processor/sinks/delivery.js';
import { SnsSink, type SnsTopics, type TeamRoute } from '../processor/sinks/sns/index.js';
import type { Finding } from '../schemas/types.js';
import { SnsServer } from '../test/aws/sns-server.js';

/**
 * SNS sink throughput: N findings through Delivery + SnsSink (real SDK client, query protocol) into the
 * loopback SNS server: standard topics; FIFO topics with owner routing (a second publish per finding of a
 * team with its own topic); and with injected throttling and transient per-entry failures.
 * Prints findings/s, PublishBatch calls, entries per call and Delivery's batching. Not a test.
 *
 *   npx tsx bench/sink-sns.ts [findings=20000]
 */
const total = Number(process.argv[2] ?? 20_000);
const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
const TIERS = ['log', 'notify', 'alert'] as const;
const ARN = 'arn:aws:sns:us-east-1:999999999999';

function finding(n: number): Finding {
  const severity = SEVERITIES[n % SEVERITIES.length] ?? 'info';
  return {
    id: `bench-${n}`,
    detection: `bench.detection-${n % 20}`,
    title: 'Benchmark finding',
    description: `Synthetic finding ${n} for the SNS sink benchmark.`,
    severity,
    tier: TIERS[n % TIERS.length] ?? 'log',
    riskScore: (n * 7) % 101,
    time: Date.UTC(2024, 4, 1) + n * 1000,
    window: null,
    account: String(100000000000 + (n % 50)),
    region: n % 2 === 0 ? 'us-east-1' : 'eu-west-1',
    principal: `arn:aws:iam::123456789012:user/u${n % 100}`,
    resources: [{ type: 'AWS::EC2::Instance', id: `i-${n.toString(16).padStart(17, '0')}`, account: null }],
    mitre: ['T1078'],
    evidence: [`e${n}`],
    count: 1,
    runbook: 'https://runbooks.example/bench',
    remediation: 'Investigate the principal and revoke what it should not have.',
    dedupKey: `k${n}`,
    context: { n: String(n) },
  };
}

interface Scenario {
  label: string;
  topics: SnsTopics;
  teams?: Record<string, TeamRoute>;
  maxBatch?: number;
  inject?: (server: SnsServer) => void;
}

async function run(scenario: Scenario, findings = total): Promise<void> {
  const server = await SnsServer.start();
  scenario.inject?.(server);
  const dir = mkdtempSync(join(tmpdir(), 'sink-sns-bench-'));
  const sink = new SnsSink({
    client: {
      region: 'us-east-1',
      endpoint: server.endpoint,
      credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-secret' },
    },
    topics: scenario.topics,
    ...(scenario.teams ? { teams: scenario.teams } : {}),
    ...(scenario.maxBatch ? { maxBatch: scenario.maxBatch } : {}),
  });
  const delivery = new Delivery({
    sinks: [sink],
    deadLetters: new DeadLetterFile(join(dir, 'dead-letters.jsonl')),
  });
  let acked = 0;
  const started = performance.now();
  for (let n = 0; n < findings; n += 1) {
    delivery.submit(finding(n), () => {
      acked += 1;
    });
    if (n % 500 === 499) await delivery.ready();
  }
  await delivery.flush();
  const seconds = (performance.now() - started) / 1000;
  const metrics = delivery.metrics()[sink.name];
  const calls = server.requests.filter((request) => request.action === 'PublishBatch');
  const succeeded = calls.filter((request) => request.status === 200);
  await delivery.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(
    JSON.stringify({
      run: scenario.label,
      maxBatch: sink.maxBatch,
      findings,
      acked,
      seconds: Number(seconds.toFixed(2)),
      findingsPerSecond: Math.round(findings / seconds),
      messagesAccepted: server.messages.length,
      publishBatchCalls: calls.length,
      failedCalls: calls.length - succeeded.length,
      meanEntriesPerCall: Number(
        (succeeded.reduce((sum, request) => sum + request.entries, 0) / succeeded.length).toFixed(2),
      ),
      meanCallKiB: Number(
        (succeeded.reduce((sum, r) => sum + r.bytes, 0) / succeeded.length / 1024).toFixed(1),
      ),
      deliveryBatches: metrics?.batches,
      meanBatchSize: Number(metrics?.meanBatchSize.toFixed(2)),
      retried: metrics?.retried,
      rejected: metrics?.rejected,
      latencyMs: {
        mean: Number(metrics?.latencyMs.mean.toFixed(1)),
        max: Number(metrics?.latencyMs.max.toFixed(1)),
      },
    }),
  );
}

const teams: Record<string, TeamRoute> = {};
for (let account = 0; account < 50; account += 1) {
  const id = String(100000000000 + account);
  teams[id] =
    account % 5 === 0
      ? { team: `team-${account}`, topicArn: `${ARN}:team-${account}.fifo` }
      : { team: 'platform' };
}

const standard = { alert: `${ARN}:alerts`, notify: `${ARN}:notify`, log: `${ARN}:log` };
// Warm-up (JIT, sockets), not reported.
const log = console.log;
console.log = () => undefined;
await run({ label: 'warm-up', topics: standard }, 3000);
console.log = log;
await run({ label: 'standard topics (3 tiers)', topics: standard });
await run({ label: 'standard topics (3 tiers)', topics: standard, maxBatch: 50 });
await run({
  label: 'FIFO topics + owner topics',
  topics: { alert: `${ARN}:alerts.fifo`, notify: `${ARN}:notify.fifo`, log: `${ARN}:log.fifo` },
  teams,
});
await run({
  label: 'FIFO topics + owner topics',
  topics: { alert: `${ARN}:alerts.fifo`, notify: `${ARN}:notify.fifo`, log: `${ARN}:log.fifo` },
  teams,
  maxBatch: 50,
});
await run({
  label: 'standard, 20 throttled calls + 200 transient entry failures',
  topics: standard,
  maxBatch: 50,
  inject: (server) => {
    server.throttleNext(20);
    server.failEntries((message) => message.message.includes('bench-7'), 'InternalError', false, total / 100);
  },
});

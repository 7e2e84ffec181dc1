import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { type KinesisClient, PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import type { JsonObject } from '../../schemas/types.js';
import { startDynalite } from '../../test/dynamodb/local.js';
import { createStream, startKinesisLocal } from '../../test/kinesis/local.js';
import { apiCall, authorizeIngress, type Identity, rootIdentity } from '../generate/cloudtrail-records.js';
import { backgroundCloudTrail } from '../generate/corpus-cloudtrail.js';
import { backgroundFlow, formatFlow } from '../generate/corpus-flows.js';
import { guardDutyFinding } from '../generate/corpus-guardduty.js';
import { type Account, seededOrg, type Vpc } from '../generate/corpus-org.js';
import { cloudWatchLogsMessage, eventBridgeGuardDuty } from '../generate/envelopes.js';
import { SeededRandom } from '../generate/random.js';
import type { LatencyReport, LatencyRun } from '../report/model.js';
import { percentile } from '../report/stats.js';
import type { LatencyTask, SeenFinding } from './worker.js';

/**
 * Event time → finding latency in a paced live run: a producer puts background CloudTrail records and
 * CloudWatch Logs flow-log messages on a kinesis-local stream at a steady rate under the emulator's ~1 k
 * records/s, with event time = now, and once a second, right after the second turns (CloudTrail times have
 * whole seconds), a trigger for a detection that does not wait for the watermark (root usage, user created,
 * SSH open to the world, logging stopped, high-severity GuardDuty finding, SSH accepted from the internet).
 * A shardwatch Worker in a child process consumes it, by polling and then by enhanced fan-out, and reports
 * when its sink got each finding; first a bare GetRecords loop reports when each trigger record came back
 * from the emulator (the floor any consumer pays here).
 *
 *   node --import tsx bench/latency/run.ts [--seconds 120] [--rate 150] [--json latency.json]
 */
const { values } = parseArgs({
  options: { seconds: { type: 'string' }, rate: { type: 'string' }, json: { type: 'string' } },
});
const seconds = Number(values.seconds ?? 120);
/** Background Kinesis records per second (flow messages carry 25 flow records each). */
const rate = Number(values.rate ?? 150);
const FLOWS_PER_MESSAGE = 25;
/** The floor (a bare GetRecords loop: the emulator's own latency), then shardwatch polling and fan-out. */
const CONSUMERS = ['GetRecords loop (floor)', 'shardwatch polling', 'shardwatch fan-out'] as const;
const SHARDS = 2;
const here = dirname(fileURLToPath(import.meta.url));

interface Trigger {
  detection: string;
  eventTime: number;
  putAt: number;
}

const kinesis = await startKinesisLocal();
const dynamodb = await startDynalite();
const runs: LatencyRun[] = [];
try {
  for (const consumer of CONSUMERS) runs.push(await run(consumer));
} finally {
  await kinesis.stop();
  await dynamodb.stop();
}
const report: LatencyReport = { seconds, recordsPerSecond: rate + 1, runs };
for (const result of runs) {
  process.stderr.write(
    `${result.consumer}: ${result.found}/${result.triggers} findings, p50 ${percentile(result.latenciesMs, 0.5)} ms, p99 ${percentile(result.latenciesMs, 0.99)} ms (event time → sink)\n`,
  );
}
if (values.json) writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);

async function run(consumer: (typeof CONSUMERS)[number]): Promise<LatencyRun> {
  const client = kinesis.client();
  const fanOut = consumer === 'shardwatch fan-out';
  const floor = consumer === 'GetRecords loop (floor)';
  const streamName = `latency-${CONSUMERS.indexOf(consumer)}`;
  await createStream(client, streamName, SHARDS);
  const task: LatencyTask = {
    kinesisEndpoint: kinesis.endpoint,
    dynamodbEndpoint: dynamodb.endpoint,
    streamName,
    fanOut,
  };
  const script = join(here, `${floor ? 'floor' : 'worker'}${extname(fileURLToPath(import.meta.url))}`);
  const child = spawn(process.execPath, [...process.execArgv, script, JSON.stringify(task)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const seen = new Map<string, SeenFinding>();
  const keyByPartition = new Map<string, string>();
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      const parsed = JSON.parse(line) as SeenFinding | { partitionKey: string; receivedAt: number };
      // The floor reports trigger records by partition key, the workers findings by dedup key.
      const key = 'partitionKey' in parsed ? keyByPartition.get(parsed.partitionKey) : parsed.dedupKey;
      if (key !== undefined && !seen.has(key)) {
        seen.set(key, { detection: '', dedupKey: key, time: 0, receivedAt: parsed.receivedAt });
      }
    }
  });
  // The consumer takes its leases and reads the (empty) stream first.
  await sleep(8000);
  const triggers = await produce(client, streamName, keyByPartition);
  for (let waited = 0; waited < 20_000 && [...triggers.keys()].some((key) => !seen.has(key)); waited += 250) {
    await sleep(250);
  }
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  client.destroy();
  return summarise(consumer, triggers, seen);
}

/** Puts the paced background and one trigger a second for `seconds`; returns the triggers by dedup key. */
async function produce(
  client: KinesisClient,
  streamName: string,
  keyByPartition: Map<string, string>,
): Promise<Map<string, Trigger>> {
  const random = new SeededRandom(99);
  const org = seededOrg(99, { accounts: 24, principals: 2000 });
  const triggers = new Map<string, Trigger>();
  const end = Date.now() + seconds * 1000;
  let credit = 0;
  let sequence = 0;
  const background = (async () => {
    for (let last = Date.now(); Date.now() < end; ) {
      await sleep(100);
      const now = Date.now();
      credit += ((now - last) / 1000) * rate;
      last = now;
      const entries: PutRecordsRequestEntry[] = [];
      for (; credit >= 1; credit -= 1) entries.push(backgroundRecord(random, org, now));
      if (entries.length > 0) await put(client, streamName, entries);
    }
  })();
  // Each trigger waits for the next second to turn, so a slow put never delays the ones after it.
  const puts: Promise<void>[] = [];
  const triggering = (async () => {
    for (;;) {
      await sleep(Math.max(0, (Math.floor(Date.now() / 1000) + 1) * 1000 + 5 - Date.now()));
      if (Date.now() >= end) break;
      const time = Math.floor(Date.now() / 1000) * 1000;
      const trigger = triggerRecord(random, org, time, sequence++);
      trigger.entry.PartitionKey = `trigger:${sequence}`;
      keyByPartition.set(trigger.entry.PartitionKey, trigger.key);
      triggers.set(trigger.key, { detection: trigger.detection, eventTime: time, putAt: Date.now() });
      puts.push(put(client, streamName, [trigger.entry]));
    }
    await Promise.all(puts);
  })();
  await Promise.all([background, triggering]);
  return triggers;
}

function backgroundRecord(
  random: SeededRandom,
  org: ReturnType<typeof seededOrg>,
  now: number,
): PutRecordsRequestEntry {
  if (random.chance(0.95)) {
    return entry(JSON.stringify(backgroundCloudTrail(random, org, now)), random);
  }
  const flows = Array.from({ length: FLOWS_PER_MESSAGE }, () => backgroundFlow(random, org, now)).filter(
    (flow) => flow.vpc.format === 'v2',
  );
  const message = cloudWatchLogsMessage(random, {
    owner: flows[0]?.account.id ?? '111122223333',
    logGroup: '/aws/vpc/flow-logs',
    logStream: 'eni-all',
    filter: 'all-flows',
    events: flows.map((flow) => ({ timestamp: flow.start * 1000, message: formatFlow(flow) })),
  });
  return entry(gzipSync(JSON.stringify(message)), random);
}

/** A record that makes one single-event detection fire, with a dedup key never used before. */
function triggerRecord(
  random: SeededRandom,
  org: ReturnType<typeof seededOrg>,
  time: number,
  n: number,
): { entry: PutRecordsRequestEntry; key: string; detection: string } {
  const account = org.accounts[n % org.accounts.length] as Account;
  const identity = account.principals[0] as Identity;
  const vpc = account.vpcs.find((candidate) => candidate.format === 'v2') as Vpc;
  const fresh = `${n}`.padStart(6, '0');
  switch (n % 6) {
    case 0: {
      const root = String(900000000000 + n);
      const rootUser: Identity = {
        userIdentity: rootIdentity(root),
        sourceIp: '203.0.113.9',
        userAgent: 'aws-cli/2',
      };
      const record = apiCall(random, {
        time,
        account: root,
        region: 'us-east-1',
        identity: rootUser,
        call: 'iam:GetAccountSummary',
        readOnly: true,
      });
      return { entry: entry(JSON.stringify(record), random), key: root, detection: 'iam-root-account-usage' };
    }
    case 1: {
      const user = `latency-${fresh}`;
      const record = apiCall(random, {
        time,
        account: account.id,
        region: 'us-east-1',
        identity,
        call: 'iam:CreateUser',
        readOnly: false,
        request: { userName: user },
      });
      return {
        entry: entry(JSON.stringify(record), random),
        key: `${account.id}:${user}`,
        detection: 'iam-user-created',
      };
    }
    case 2: {
      const groupId = `sg-0${fresh}${random.hex(10)}`;
      const record = authorizeIngress(random, {
        time,
        account: account.id,
        region: 'us-east-1',
        identity,
        groupId,
        port: 22,
        cidr: '0.0.0.0/0',
        description: 'debug',
      });
      return {
        entry: entry(JSON.stringify(record), random),
        key: `${groupId}:tcp:22-22:0.0.0.0/0`,
        detection: 'ec2-security-group-open-to-world',
      };
    }
    case 3: {
      const trail = `trail-${fresh}`;
      const record = apiCall(random, {
        time,
        account: account.id,
        region: 'us-east-1',
        identity,
        call: 'cloudtrail:StopLogging',
        readOnly: false,
        request: { name: trail },
      });
      return {
        entry: entry(JSON.stringify(record), random),
        key: `${account.id}:${trail}`,
        detection: 'cloudtrail-logging-tampered',
      };
    }
    case 4: {
      const instance = {
        ...(vpc.instances[2] as Vpc['instances'][number]),
        id: `i-0${fresh}${random.hex(10)}`,
      };
      const type = 'Backdoor:EC2/C&CActivity.B';
      const finding: JsonObject = guardDutyFinding(random, {
        account,
        vpc,
        instance,
        type,
        severity: 8,
        title: 'C&C',
        time,
        remoteIp: '203.0.113.66',
      });
      return {
        entry: entry(JSON.stringify(eventBridgeGuardDuty(random, finding)), random),
        key: `${account.id}|${instance.id}|${type}`,
        detection: 'guardduty-high-severity-finding',
      };
    }
    default: {
      const web = vpc.instances[0] as Vpc['instances'][number];
      const source = `203.0.${113 + (n % 2)}.${(n % 250) + 1}`;
      const line = `2 ${account.id} ${web.eni} ${source} ${web.privateIp} ${40000 + (n % 20000)} 22 6 3 180 ${time / 1000} ${time / 1000 + 60} ACCEPT OK`;
      const message = cloudWatchLogsMessage(random, {
        owner: account.id,
        logGroup: '/aws/vpc/flow-logs',
        logStream: `${web.eni}-all`,
        filter: 'all-flows',
        events: [{ timestamp: time, message: line }],
      });
      return {
        entry: entry(gzipSync(JSON.stringify(message)), random),
        key: `${account.id}/${web.privateIp}/22/${source}`,
        detection: 'flowlog-inbound-admin-port-from-internet',
      };
    }
  }
}

function entry(data: string | Buffer, random: SeededRandom): PutRecordsRequestEntry {
  return { PartitionKey: random.uuid(), Data: typeof data === 'string' ? Buffer.from(data) : data };
}

async function put(
  client: KinesisClient,
  streamName: string,
  entries: PutRecordsRequestEntry[],
): Promise<void> {
  for (let start = 0; start < entries.length; start += 500) {
    let pending = entries.slice(start, start + 500);
    for (let attempt = 0; pending.length > 0 && attempt < 5; attempt += 1) {
      const out = await client.send(new PutRecordsCommand({ StreamName: streamName, Records: pending }));
      pending = pending.filter((_, index) => out.Records?.[index]?.ErrorCode !== undefined);
    }
  }
}

function summarise(
  consumer: string,
  triggers: Map<string, Trigger>,
  seen: Map<string, SeenFinding>,
): LatencyRun {
  const latencies: number[] = [];
  const putToFinding: number[] = [];
  const byDetection = new Map<string, number[]>();
  for (const [key, trigger] of triggers) {
    const finding = seen.get(key);
    if (!finding) continue;
    latencies.push(finding.receivedAt - trigger.eventTime);
    putToFinding.push(finding.receivedAt - trigger.putAt);
    byDetection.set(trigger.detection, [
      ...(byDetection.get(trigger.detection) ?? []),
      finding.receivedAt - trigger.eventTime,
    ]);
  }
  const sorted = (list: number[]) => [...list].sort((a, b) => a - b);
  return {
    consumer,
    triggers: triggers.size,
    found: latencies.length,
    latenciesMs: sorted(latencies),
    putToFindingMs: sorted(putToFinding),
    byDetection: Object.fromEntries(
      [...byDetection].map(([detection, list]) => [
        detection,
        { triggers: list.length, p50: percentile(sorted(list), 0.5), p99: percentile(sorted(list), 0.99) },
      ]),
    ),
  };
}

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type KinesisClient, PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import type { LeaseTable } from '../../processor/consumer/lease-table.js';
import type { Finding, JsonObject } from '../../schemas/types.js';
import { runInstancesRecord } from '../cloudtrail.js';
import type { Emulators } from './harness.js';
import { findingsIn, lastVersions, waitFor } from './harness.js';
import { createUserRecord, toData } from './records.js';

const CLI = ['--import', 'tsx', 'processor/cli/main.ts'];
const ENV = { ...process.env, NO_COLOR: '1', AWS_ACCESS_KEY_ID: 'AKIAFAKE', AWS_SECRET_ACCESS_KEY: 'fake' };
export const MINUTE = 60_000;

/** The `consumer:` settings a test varies; the rest points at the emulators. */
export interface ConsumerYaml {
  stream: string;
  leaseTable: string;
  keyed?: { stream: string; leaseTable: string };
  failover?: string;
  snapshotInterval?: string;
  /**
   * Default 60 s: no shard of a test goes idle, so no source shard is left out of ingest's watermark and no
   * event can be late for coming back from idleness (see docs/architecture.md, Limits).
   */
  idleTimeout?: string;
  /** A different Kinesis endpoint (the fault proxy), default the emulator's. */
  kinesisEndpoint?: string;
}

/** A `shardwatch run` child process: its output file, its stderr so far, its /metrics. */
export interface RunProcess {
  name: string;
  child: ChildProcess;
  out: string;
  stderr(): string;
  findings(): Finding[];
  /** A Prometheus sample of /metrics (health port chosen by the process), e.g. `shardwatch_events_late_total`. */
  metric(sample: string): Promise<number | undefined>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/**
 * Writes a config for `shardwatch run` against the test's emulators (short checkpoint and snapshot intervals,
 * a health port) and starts the process.
 *
 *   const a = startRun(env, directory, 'worker-a', { stream: 'src', leaseTable: 'src-leases', keyed });
 */
export function startRun(
  env: Emulators,
  directory: string,
  name: string,
  consumer: ConsumerYaml,
  args: readonly string[] = [],
): RunProcess {
  const config = join(directory, `${name}.yaml`);
  const keyed = consumer.keyed
    ? `  keyedStream: { stream: ${consumer.keyed.stream}, leaseTable: ${consumer.keyed.leaseTable} }\n`
    : '';
  writeFileSync(
    config,
    `consumer:
  stream: ${consumer.stream}
  leaseTable: ${consumer.leaseTable}
${keyed}  workerId: ${name}
  region: us-east-1
  endpoints: { kinesis: '${consumer.kinesisEndpoint ?? env.kinesis.endpoint}', dynamodb: '${env.dynamo.endpoint}' }
  failover: ${consumer.failover ?? '2s'}
  checkpointInterval: 200ms
  snapshotInterval: ${consumer.snapshotInterval ?? '500ms'}
  idleTimeout: ${consumer.idleTimeout ?? '60s'}
  horizon: 1h
  healthPort: 0
`,
  );
  const out = join(directory, `${name}.jsonl`);
  const child = spawn(process.execPath, [...CLI, 'run', '--config', config, '--out', out, ...args], {
    env: ENV,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  env.children.push(child);
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const metric = async (sample: string): Promise<number | undefined> => {
    const url = /health and metrics on (http:\/\/\S+)\/healthz/.exec(stderr)?.[1];
    if (!url) return undefined;
    const text = await (await fetch(`${url}/metrics`)).text();
    const line = text.split('\n').find((candidate) => candidate.startsWith(`${sample} `));
    return line === undefined ? undefined : Number(line.slice(sample.length + 1));
  };
  return { name, child, out, stderr: () => stderr, findings: () => findingsIn(out), metric, exited };
}

/** One CloudTrail record and the source shard to put it on (null: a random partition key). */
export interface Put {
  record: JsonObject;
  /** Starting hash key of the shard it must reach, or null. */
  hashKey: string | null;
}

/**
 * Puts records with random partition keys (or the given hash key), 250 per PutRecords call, in order.
 *
 *   await putAll(client, 'events', story.puts);
 */
export async function putAll(client: KinesisClient, stream: string, puts: readonly Put[]): Promise<void> {
  for (let i = 0; i < puts.length; i += 250) {
    const entries: PutRecordsRequestEntry[] = puts.slice(i, i + 250).map(({ record, hashKey }, index) => ({
      Data: toData(record),
      PartitionKey: `random-${i + index}-${(record.eventID as string).slice(-6)}`,
      ...(hashKey === null ? {} : { ExplicitHashKey: hashKey }),
    }));
    const out = await client.send(new PutRecordsCommand({ StreamName: stream, Records: entries }));
    if ((out.FailedRecordCount ?? 0) > 0) throw new Error(`${out.FailedRecordCount} records not put`);
  }
}

/** Accounts of the stories: their windows and roll-ups land on different keyed shards. */
export const ACCOUNTS = ['100000000001', '200000000002', '300000000003', '400000000004', '500000000005'];

let sequence = 0;

/**
 * `minutes` of CloudTrail from `start`, in event-time order: a CreateUser every 30 s in every account (one
 * single-event finding each), a root-user call every 7 minutes in one account (roll-ups of an hourly dedup
 * key, made on the keyed side), and bursts of `burst` large launches 20 s apart at the given minutes
 * (an account, or its index in ACCOUNTS): windows of 5 minutes, counted only by the engine of the account's
 * keyed shard.
 *
 *   const phase = story(T0, 20, { bursts: [[3, 0], [16, 2]] });
 */
export function story(
  start: number,
  minutes: number,
  o: { bursts?: readonly [minute: number, account: number | string][]; burst?: number } = {},
): JsonObject[] {
  const records: { time: number; record: JsonObject }[] = [];
  for (let time = start; time < start + minutes * MINUTE; time += 30_000) {
    ACCOUNTS.forEach((account, index) => {
      sequence += 1;
      const at = time + index * 1000;
      records.push({ time: at, record: createUserRecord(account, at, `u${sequence}`, sequence) });
    });
    if ((time - start) % (7 * MINUTE) === 0) {
      sequence += 1;
      records.push({ time: time + 500, record: rootCall(ACCOUNTS[0] as string, time + 500, sequence) });
    }
  }
  for (const [minute, account] of o.bursts ?? []) {
    for (let i = 0; i < (o.burst ?? 7); i += 1) {
      sequence += 1;
      const time = start + minute * MINUTE + 5_000 + i * 20_000;
      records.push({
        time,
        record: runInstancesRecord(
          typeof account === 'string' ? account : (ACCOUNTS[account] as string),
          time,
          'p4d.24xlarge',
          1_000_000 + sequence,
        ),
      });
    }
  }
  return records.sort((a, b) => a.time - b.time).map(({ record }) => record);
}

/**
 * A record for every source shard at `time`: moves every shard's watermark there. A change no detection
 * reports (tags), so the ticks open no dedup period that only the end of a replay would close.
 */
export function ticks(time: number, shardStarts: readonly string[]): Put[] {
  return shardStarts.map((hashKey, index) => {
    sequence += 1;
    return { record: tickRecord(ACCOUNTS[0] as string, time + index, sequence), hashKey };
  });
}

function tickRecord(account: string, time: number, n: number): JsonObject {
  return {
    eventVersion: '1.08',
    userIdentity: {
      type: 'IAMUser',
      arn: `arn:aws:iam::${account}:user/ticker`,
      accountId: account,
      principalId: 'AIDAEXAMPLETICKER0001',
      userName: 'ticker',
    },
    eventTime: new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: 'ec2.amazonaws.com',
    eventName: 'CreateTags',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.10',
    userAgent: 'aws-cli/2.15.0',
    requestParameters: { resourcesSet: { items: [{ resourceId: 'vpc-0a1b2c3d' }] } },
    responseElements: { _return: true },
    readOnly: false,
    eventID: `00000000-0000-4000-b000-${n.toString().padStart(12, '0')}`,
    eventType: 'AwsApiCall',
    recipientAccountId: account,
  };
}

/** A console sign-in of the root user: `iam-root-account-usage`, rolled up per account and hour. */
function rootCall(account: string, time: number, n: number): JsonObject {
  return {
    eventVersion: '1.08',
    userIdentity: {
      type: 'Root',
      arn: `arn:aws:iam::${account}:root`,
      accountId: account,
      principalId: account,
    },
    eventTime: new Date(time).toISOString().replace('.000Z', 'Z'),
    eventSource: 's3.amazonaws.com',
    eventName: 'ListBuckets',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.99',
    userAgent: 'aws-cli/2.15.0',
    requestParameters: null,
    responseElements: null,
    eventID: `00000000-0000-4000-a000-${n.toString().padStart(12, '0')}`,
    eventType: 'AwsApiCall',
    recipientAccountId: account,
  };
}

/**
 * Compares what several workers wrote with what replay finds: the last count per id over all outputs must be
 * replay's; within each output an id's counts never go down, and no output holds a count above replay's.
 * Returns the problems (empty when exact).
 */
export function compareWithReplay(
  outputs: readonly (readonly Finding[])[],
  expected: readonly Finding[],
): string[] {
  const problems: string[] = [];
  const want = lastVersions(expected);
  const union = lastVersions(outputs.flat());
  for (const [id, count] of want) {
    if (union.get(id) !== count) {
      const finding = expected.find((f) => f.id === id);
      problems.push(
        `${finding?.detection} ${finding?.account} ${id}: ${union.get(id) ?? 'missing'}, replay ${count}`,
      );
    }
  }
  for (const id of union.keys()) if (!want.has(id)) problems.push(`${id}: not in replay`);
  outputs.forEach((findings, index) => {
    const highest = new Map<string, number>();
    for (const { id, count, detection } of findings) {
      if (count < (highest.get(id) ?? 0))
        problems.push(`output ${index}: ${detection} ${id} down to ${count}`);
      highest.set(id, Math.max(count, highest.get(id) ?? 0));
    }
  });
  return problems;
}

/**
 * Waits until the union of the outputs has every replay finding at its final count; on a timeout the error
 * tells what differs, the processes' stderr, and the last state of the given lease tables.
 */
export async function waitForReplayFindings(
  processes: readonly RunProcess[],
  expected: readonly Finding[],
  ms = 120_000,
  tables: readonly LeaseTable[] = [],
): Promise<void> {
  const want = lastVersions(expected);
  let leases = '';
  const poll = setInterval(() => {
    void Promise.all(tables.map((table) => table.list().catch(() => []))).then((lists) => {
      leases = lists
        .map((list, index) =>
          list
            .map(
              (lease) =>
                `${tables[index]?.tableName} ${lease.leaseKey} ${lease.leaseOwner} ${lease.checkpoint.slice(-8)}` +
                ` watermark=${lease.watermark === null ? '-' : new Date(lease.watermark).toISOString()}` +
                ` idle=${lease.idle} snapshot=${lease.snapshot !== null}`,
            )
            .join('\n'),
        )
        .join('\n');
    });
  }, 2000);
  try {
    await waitFor(
      'every replay finding at its final count',
      () => {
        const union = lastVersions(processes.flatMap((p) => p.findings()));
        return [...want].every(([id, count]) => union.get(id) === count);
      },
      ms,
      () =>
        `${compareWithReplay(
          processes.map((p) => p.findings()),
          expected,
        ).join('\n')}\n${leases}\n${processes.map((p) => `${p.name}: ${p.stderr()}`).join('\n')}`,
    );
  } finally {
    clearInterval(poll);
  }
}

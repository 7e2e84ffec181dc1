import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import {
  type KinesisClient,
  ListShardsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  SplitShardCommand,
} from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding, JsonObject } from '../../schemas/types.js';
import { runInstancesRecord } from '../../test/cloudtrail.js';
import { MemorySink, memoryDelivery, replayFindings } from '../../test/consumer/harness.js';
import { type LocalDynamoDb, startDynalite } from '../../test/dynamodb/local.js';
import {
  createStream,
  type KinesisLocal,
  kinesisClient,
  startKinesisLocal,
  waitActive,
} from '../../test/kinesis/local.js';
import { startKinesisProxy } from '../../test/kinesis/proxy.js';
import { DEFAULT_CONFIG } from '../cli/config.js';
import { enabledDetections } from '../cli/detections.js';
import { decodeRecord } from '../decode/index.js';
import type { Delivery } from '../sinks/delivery.js';
import { RetriesExhaustedError } from '../sinks/retry.js';
import { type Lease, LeaseTable, SHARD_END, TRIM_HORIZON } from './lease-table.js';
import { Worker, type WorkerOptions } from './worker.js';

const SAMPLES = [
  'samples/cloudtrail/cloudwatch-logs/batch-0001.json.gz',
  'samples/cloudtrail/eventbridge/events.jsonl',
  'samples/cloudtrail/s3/111122223333_CloudTrail_us-east-1_20261124T1105Z_a1b2.json.gz',
];
const HOUR = 3_600_000;
/** Samples end at 11:05; a tick at 14:00 on every shard moves the watermark past them plus the 1-h horizon. */
const TICK_TIME = Date.UTC(2026, 10, 24, 14);
/** A tick at 11:10 on every shard: the watermark reaches 11:05 whichever shard goes idle last. */
const MID_TICK_TIME = Date.UTC(2026, 10, 24, 11, 10);

/** One record to put: its routing key (account/region), bytes, and its events' times. */
interface SampleRecord {
  key: string;
  data: Uint8Array;
  times: number[];
}

/** The CloudTrail samples as Kinesis records: the CloudWatch Logs envelope as is, every other record as JSON. */
function sampleRecords(): SampleRecord[] {
  const [cwl, eventBridge, s3] = SAMPLES as [string, string, string];
  const payloads: Uint8Array[] = [readFileSync(cwl)];
  for (const line of readFileSync(eventBridge, 'utf8').split('\n').filter(Boolean))
    payloads.push(Buffer.from(line));
  const trail = JSON.parse(gunzipSync(readFileSync(s3)).toString('utf8')) as { Records: JsonObject[] };
  for (const record of trail.Records) payloads.push(Buffer.from(JSON.stringify(record)));
  return payloads.map((data) => asSample(data));
}

function asSample(data: Uint8Array): SampleRecord {
  const { events } = decodeRecord(data, { input: 'samples', offset: '0' });
  const first = events[0];
  if (!first) throw new Error('sample record without events');
  return { key: `${first.account}/${first.region}`, data, times: events.map((event) => event.time) };
}

/** A CloudTrail CreateTags at `time`: the state cache learns from it (so it moves the watermark), no detection fires. */
function tickRecord(index: number, time: number): JsonObject {
  return {
    eventVersion: '1.08',
    userIdentity: {
      type: 'AssumedRole',
      arn: 'arn:aws:sts::111122223333:assumed-role/deployer/ci',
      accountId: '111122223333',
    },
    eventTime: new Date(time).toISOString().replace('.000Z', 'Z'),
    eventSource: 'ec2.amazonaws.com',
    eventName: 'CreateTags',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.10',
    userAgent: 'aws-cli/2.15.0',
    requestParameters: {
      resourcesSet: { items: [{ resourceId: 'i-0000000000000tick' }] },
      tagSet: { items: [{ key: 'tick', value: String(index) }] },
    },
    responseElements: { _return: true },
    eventID: `00000000-0000-4000-8000-${String(time).slice(0, 8)}tick${index}`,
    eventType: 'AwsApiCall',
    recipientAccountId: '111122223333',
  };
}

/** What was put on one shard, in order. */
interface PutOnShard {
  sequence: string;
  times: number[];
}

/**
 * Puts records in order, each (account/region) key pinned to one shard by ExplicitHashKey, keys spread
 * round-robin so every shard gets some; returns what each shard holds.
 */
async function putRecords(
  client: KinesisClient,
  stream: string,
  records: readonly SampleRecord[],
  byShard: Map<string, PutOnShard[]>,
  /** The shard index (in ListShards order) for the record at this index. */
  shardOf: (record: SampleRecord, index: number, shards: number) => number,
): Promise<void> {
  const listed = await client.send(new ListShardsCommand({ StreamName: stream }));
  const shards = (listed.Shards ?? []).map((shard) => ({
    id: shard.ShardId as string,
    start: shard.HashKeyRange?.StartingHashKey as string,
  }));
  for (let i = 0; i < records.length; i += 200) {
    const batch = records.slice(i, i + 200);
    const out = await client.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: batch.map((record, index) => ({
          Data: record.data,
          PartitionKey: record.key,
          ExplicitHashKey: (shards[shardOf(record, i + index, shards.length)] as { start: string }).start,
        })),
      }),
    );
    expect(out.FailedRecordCount ?? 0).toBe(0);
    (out.Records ?? []).forEach((result, index) => {
      const shardId = result.ShardId as string;
      const list = byShard.get(shardId) ?? [];
      list.push({ sequence: result.SequenceNumber as string, times: (batch[index] as SampleRecord).times });
      byShard.set(shardId, list);
    });
  }
}

/** Each account/region key to one shard, keys spread round-robin so every shard gets some. */
function byKey(
  records: readonly SampleRecord[],
): (record: SampleRecord, index: number, shards: number) => number {
  const sorted = [...new Set(records.map((record) => record.key))].sort();
  return (record, _index, shards) => sorted.indexOf(record.key) % shards;
}

/** One record per shard, in order. */
const oneEach = (_record: SampleRecord, index: number, shards: number): number => index % shards;

async function waitFor(
  what: string,
  condition: () => Promise<boolean> | boolean,
  ms = 60_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** The last version of every finding id (roll-ups update a finding under the same id), as id → count. */
function finalVersions(findings: readonly Finding[]): Map<string, number> {
  const versions = new Map<string, number>();
  for (const finding of findings) versions.set(finding.id, finding.count);
  return new Map([...versions].sort(([a], [b]) => (a < b ? -1 : 1)));
}

function checkpoints(leases: readonly Lease[]): Record<string, string> {
  return Object.fromEntries(leases.map((lease) => [lease.leaseKey, lease.checkpoint]));
}

/** The last record of each shard put before the ticks (TRIM_HORIZON for a shard that got only ticks). */
function lastSample(byShard: Map<string, PutOnShard[]>, ticks: number): Record<string, string> {
  const last: Record<string, string> = {};
  for (const [shardId, records] of [...byShard].sort(([a], [b]) => (a < b ? -1 : 1))) {
    last[shardId] = records[records.length - 1 - ticks]?.sequence ?? TRIM_HORIZON;
  }
  return last;
}

describe('Worker on kinesis-local + dynalite', () => {
  let kinesis: KinesisLocal;
  let dynamo: LocalDynamoDb;
  const samples = sampleRecords();
  const directory = mkdtempSync(join(tmpdir(), 'shardwatch-worker-'));
  const tickFile = (name: string, time: number, count = 4) => {
    const records = Array.from({ length: count }, (_, index) => index).map((index) =>
      asSample(Buffer.from(JSON.stringify(tickRecord(index, time)))),
    );
    const file = join(directory, name);
    writeFileSync(file, records.map((tick) => Buffer.from(tick.data).toString('utf8')).join('\n'));
    return { records, file };
  };
  const { records: ticks, file: ticksFile } = tickFile('ticks.jsonl', TICK_TIME);
  const { records: midTicks, file: midTicksFile } = tickFile('mid-ticks.jsonl', MID_TICK_TIME);
  const { records: eightTicks, file: eightTicksFile } = tickFile('eight-ticks.jsonl', TICK_TIME, 8);
  let expected: Finding[];
  let expectedWithMidTicks: Finding[];
  let expectedWithEightTicks: Finding[];

  beforeAll(async () => {
    [kinesis, dynamo, expected, expectedWithMidTicks, expectedWithEightTicks] = await Promise.all([
      startKinesisLocal(),
      startDynalite(),
      replayFindings([...SAMPLES, ticksFile]),
      replayFindings([...SAMPLES, midTicksFile, ticksFile]),
      replayFindings([...SAMPLES, eightTicksFile]),
    ]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([kinesis?.stop(), dynamo?.stop()]);
  });

  const { detections, params } = enabledDetections(DEFAULT_CONFIG);
  const newWorker = (
    workerId: string,
    stream: string,
    table: string,
    delivery: Delivery,
    overrides: Partial<WorkerOptions> = {},
  ) =>
    new Worker({
      kinesis: kinesis.client(),
      dynamodb: dynamo.client(),
      streamName: stream,
      leaseTableName: table,
      workerId,
      detections,
      params,
      latenessMs: DEFAULT_CONFIG.latenessMs,
      state: DEFAULT_CONFIG.state,
      delivery,
      initialPosition: 'TRIM_HORIZON',
      failoverMs: 2000,
      checkpointIntervalMs: 50,
      idleMs: 50,
      idleTimeoutMs: 0,
      horizonMs: HOUR,
      ...overrides,
    });

  it('one worker on 4 shards finds what replay finds and checkpoints every shard up to its last sample', async () => {
    const client = kinesis.client();
    await createStream(client, 'single', 4);
    const byShard = new Map<string, PutOnShard[]>();
    await putRecords(client, 'single', samples, byShard, byKey(samples));
    await putRecords(client, 'single', ticks, byShard, oneEach);
    expect(byShard.size).toBe(4);

    const sink = new MemorySink();
    const worker = newWorker('worker-1', 'single', 'single-leases', memoryDelivery(sink));
    const table = new LeaseTable({ client: dynamo.client(), tableName: 'single-leases' });
    await worker.start();
    const target = lastSample(byShard, 1);
    await waitFor('checkpoints at the last samples', async () => {
      return JSON.stringify(checkpoints(await table.list())) === JSON.stringify(target);
    });
    expect(worker.shards().map((shard) => shard.millisBehindLatest)).toEqual([0, 0, 0, 0]);
    await worker.stop();

    expect(finalVersions(sink.findings)).toEqual(finalVersions(expected));
    expect(expected.length).toBe(60);
    const leases = await table.list();
    expect(checkpoints(leases)).toEqual(target); // the ticks stay inside the horizon
    expect(leases.map((lease) => lease.leaseOwner)).toEqual([null, null, null, null]);
  }, 120_000);

  it('with enhanced fan-out (SubscribeToShard), one worker on 4 shards finds what replay finds and checkpoints the same', async () => {
    const client = kinesis.client();
    await createStream(client, 'fan-out', 4);
    const byShard = new Map<string, PutOnShard[]>();
    await putRecords(client, 'fan-out', samples, byShard, byKey(samples));
    await putRecords(client, 'fan-out', ticks, byShard, oneEach);

    const sink = new MemorySink();
    const worker = newWorker('worker-1', 'fan-out', 'fan-out-leases', memoryDelivery(sink), {
      fanOut: { consumerName: 'fan-out-leases' },
    });
    const table = new LeaseTable({ client: dynamo.client(), tableName: 'fan-out-leases' });
    await worker.start();
    const target = lastSample(byShard, 1);
    await waitFor('checkpoints at the last samples', async () => {
      return JSON.stringify(checkpoints(await table.list())) === JSON.stringify(target);
    });
    await worker.stop();

    expect(finalVersions(sink.findings)).toEqual(finalVersions(expected));
    expect(checkpoints(await table.list())).toEqual(target);
  }, 120_000);

  it("a second worker resumes from the first worker's checkpoints, re-reading only records inside the horizon", async () => {
    const client = kinesis.client();
    await createStream(client, 'resume', 4);
    const byShard = new Map<string, PutOnShard[]>();
    await putRecords(client, 'resume', samples, byShard, byKey(samples));
    await putRecords(client, 'resume', midTicks, byShard, oneEach);
    const table = new LeaseTable({ client: dynamo.client(), tableName: 'resume-leases' });

    const firstSink = new MemorySink();
    const first = newWorker('worker-a', 'resume', 'resume-leases', memoryDelivery(firstSink));
    await first.start();
    await waitFor('every sample read', () =>
      first.shards().every((shard) => shard.records === byShard.get(shard.shardId)?.length && shard.idle),
    );
    await first.stop();
    // What may be checkpointed: the records whose running maximum event time is behind watermark − horizon.
    const limit = first.watermark - HOUR;
    const resumeAfter: Record<string, string> = {};
    const reread: Record<string, number> = {};
    for (const [shardId, records] of [...byShard].sort(([a], [b]) => (a < b ? -1 : 1))) {
      let maxTime = Number.NEGATIVE_INFINITY;
      let checkpoint = TRIM_HORIZON;
      let after = records.length;
      records.forEach((record, index) => {
        maxTime = Math.max(maxTime, ...record.times);
        if (maxTime <= limit) {
          checkpoint = record.sequence;
          after = records.length - index - 1;
        }
      });
      resumeAfter[shardId] = checkpoint;
      reread[shardId] = after;
    }
    const afterFirst = await table.list();
    expect(checkpoints(afterFirst)).toEqual(resumeAfter);
    expect(afterFirst.map((lease) => lease.leaseOwner)).toEqual([null, null, null, null]);
    expect(Object.values(reread).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(first.watermark).toBe(MID_TICK_TIME - DEFAULT_CONFIG.latenessMs);
    expect(Object.values(reread).reduce((a, b) => a + b, 0)).toBeLessThan(samples.length);

    await putRecords(client, 'resume', ticks, byShard, oneEach);
    const secondSink = new MemorySink();
    const second = newWorker('worker-b', 'resume', 'resume-leases', memoryDelivery(secondSink));
    await second.start();
    const target = lastSample(byShard, 1);
    await waitFor('checkpoints at the last samples', async () => {
      return JSON.stringify(checkpoints(await table.list())) === JSON.stringify(target);
    });
    const secondRead = Object.fromEntries(second.shards().map((shard) => [shard.shardId, shard.records]));
    await second.stop();
    expect(secondRead).toEqual(Object.fromEntries(Object.entries(reread).map(([id, n]) => [id, n + 1])));

    // Findings the second worker emitted again carry the ids (and here the counts) the first one emitted.
    const union = finalVersions([...firstSink.findings, ...secondSink.findings]);
    expect(union).toEqual(finalVersions(expectedWithMidTicks));
  }, 120_000);

  it('three workers on 8 shards balance to 3/3/2 and every record is processed', async () => {
    const client = kinesis.client();
    await createStream(client, 'balanced', 8);
    const byShard = new Map<string, PutOnShard[]>();
    await putRecords(client, 'balanced', samples, byShard, byKey(samples));
    const table = new LeaseTable({ client: dynamo.client(), tableName: 'balanced-leases' });
    const sinks = [new MemorySink(), new MemorySink(), new MemorySink()];
    const workers = sinks.map((sink, index) =>
      newWorker(`worker-${index}`, 'balanced', 'balanced-leases', memoryDelivery(sink)),
    );
    for (const worker of workers) await worker.start();
    const owners = async () => {
      const counts = new Map<string, number>();
      for (const lease of await table.list()) {
        const owner = lease.leaseOwner ?? '(none)';
        counts.set(owner, (counts.get(owner) ?? 0) + 1);
      }
      return [...counts.values()].sort().reverse();
    };
    await waitFor('3/3/2', async () => JSON.stringify(await owners()) === '[3,3,2]');
    await putRecords(client, 'balanced', eightTicks, byShard, oneEach);
    const target = lastSample(byShard, 1);
    await waitFor('checkpoints at the last samples', async () => {
      return JSON.stringify(checkpoints(await table.list())) === JSON.stringify(target);
    });
    expect(await owners()).toEqual([3, 3, 2]);
    expect(workers.map((worker) => worker.shards().length).sort()).toEqual([2, 3, 3]);
    await Promise.all(workers.map((worker) => worker.stop()));
    const ids = new Set(sinks.flatMap((sink) => sink.findings.map((finding) => finding.id)));
    expect([...ids].sort()).toEqual([...finalVersions(expectedWithEightTicks).keys()]);
  }, 120_000);

  it('after a split the parent is checkpointed SHARD_END with its children, which are then read; a window spans both', async () => {
    const client = kinesis.client();
    await createStream(client, 'split', 1);
    const T0 = Date.UTC(2026, 10, 24, 9);
    const put = async (time: number, type: string, sequence: number, hashKey: string) =>
      (
        await client.send(
          new PutRecordCommand({
            StreamName: 'split',
            PartitionKey: 'k',
            ExplicitHashKey: hashKey,
            Data: Buffer.from(JSON.stringify(runInstancesRecord('111122223333', time, type, sequence))),
          }),
        )
      ).SequenceNumber as string;
    const high = (2n ** 127n + 1n).toString();
    for (let i = 0; i < 3; i += 1) await put(T0 + i * 10_000, 'p4d.24xlarge', i + 1, '0');
    const sink = new MemorySink();
    const worker = newWorker('worker-split', 'split', 'split-leases', memoryDelivery(sink));
    const table = new LeaseTable({ client: dynamo.client(), tableName: 'split-leases' });
    await worker.start();
    await waitFor('the parent read', () => worker.shards()[0]?.records === 3);

    await client.send(
      new SplitShardCommand({
        StreamName: 'split',
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: (2n ** 127n).toString(),
      }),
    );
    await waitActive(client, 'split');
    // Three more launches of the same 5-minute window land in the upper child, then a tick in each child.
    let lastLaunch = '';
    for (let i = 3; i < 6; i += 1) lastLaunch = await put(T0 + i * 10_000, 'p4d.24xlarge', i + 1, high);
    await waitFor(
      'the upper child read',
      () => worker.shards().find((shard) => shard.shardId === 'shardId-000000000002')?.records === 3,
    );
    await put(TICK_TIME, 't3.micro', 7, '0');
    await put(TICK_TIME, 't3.micro', 8, high);
    const wanted = JSON.stringify({
      'shardId-000000000000': SHARD_END,
      'shardId-000000000001': TRIM_HORIZON,
      'shardId-000000000002': lastLaunch,
    });
    await waitFor('parent at SHARD_END, children read', async () => {
      return JSON.stringify(checkpoints(await table.list())) === wanted;
    });
    await worker.stop();

    const [parent] = await table.list();
    expect(parent?.childShardIds).toEqual(['shardId-000000000001', 'shardId-000000000002']);
    const bursts = sink.findings.filter((finding) => finding.detection === 'ec2-large-instance-burst');
    expect(bursts.map((finding) => finding.count)).toEqual([6]);
  }, 120_000);

  it('a shard whose reads fail after every retry resumes after its last processed record, counting nothing twice', async () => {
    const client = kinesis.client();
    await createStream(client, 'flaky', 1);
    const proxy = await startKinesisProxy(kinesis.endpoint);
    const T0 = Date.UTC(2026, 10, 24, 9);
    const put = async (time: number, type: string, sequence: number) =>
      (
        await client.send(
          new PutRecordCommand({
            StreamName: 'flaky',
            PartitionKey: 'k',
            Data: Buffer.from(JSON.stringify(runInstancesRecord('111122223333', time, type, sequence))),
          }),
        )
      ).SequenceNumber as string;
    for (let i = 0; i < 3; i += 1) await put(T0 + i * 10_000, 'p4d.24xlarge', i + 1);
    const sink = new MemorySink();
    const errors: [string, unknown][] = [];
    const worker = newWorker('worker-flaky', 'flaky', 'flaky-leases', memoryDelivery(sink), {
      kinesis: kinesisClient(proxy.endpoint),
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
      onError: (error, context) => errors.push([context, error]),
    });
    const table = new LeaseTable({ client: dynamo.client(), tableName: 'flaky-leases' });
    try {
      await worker.start();
      await waitFor('the first launches read', () => worker.shards()[0]?.idle === true);
      proxy.throttleNext(3, 'GetRecords'); // two fail one reader for good, the third is retried by its successor
      await waitFor('the failure reported', () => errors.length === 1);
      let lastLaunch = '';
      for (let i = 3; i < 6; i += 1) lastLaunch = await put(T0 + i * 10_000, 'p4d.24xlarge', i + 1);
      await put(TICK_TIME, 't3.micro', 7);
      await waitFor(
        'checkpoint at the last launch',
        async () => (await table.list())[0]?.checkpoint === lastLaunch,
      );
      await worker.stop();
    } finally {
      await proxy.stop();
    }
    expect(errors.map(([context, error]) => [context, error instanceof RetriesExhaustedError])).toEqual([
      ['shard shardId-000000000000', true],
    ]);
    const bursts = sink.findings.filter((finding) => finding.detection === 'ec2-large-instance-burst');
    expect(bursts.map((finding) => finding.count)).toEqual([6]);
  }, 120_000);

  it('a lease stolen and later taken back is not pushed twice into the same pipeline', async () => {
    const client = kinesis.client();
    await createStream(client, 'steal', 2);
    const T0 = Date.UTC(2026, 10, 24, 9);
    const put = async (time: number, type: string, sequence: number, hashKey: string) =>
      (
        await client.send(
          new PutRecordCommand({
            StreamName: 'steal',
            PartitionKey: 'k',
            ExplicitHashKey: hashKey,
            Data: Buffer.from(JSON.stringify(runInstancesRecord('111122223333', time, type, sequence))),
          }),
        )
      ).SequenceNumber as string;
    for (let i = 0; i < 3; i += 1) await put(T0 + i * 10_000, 'p4d.24xlarge', i + 1, '0');
    const sink = new MemorySink();
    const first = newWorker('worker-first', 'steal', 'steal-leases', memoryDelivery(sink));
    const second = newWorker('worker-second', 'steal', 'steal-leases', memoryDelivery(new MemorySink()));
    const table = new LeaseTable({ client: dynamo.client(), tableName: 'steal-leases' });
    await first.start();
    await waitFor('three launches read', () => first.shards()[0]?.records === 3);
    await second.start(); // steals one lease: shardId-000000000000, the first of the most-loaded worker
    expect(second.shards().map((shard) => shard.shardId)).toEqual(['shardId-000000000000']);
    await waitFor('the first worker noticing the loss', () => first.shards().length === 1);
    await second.stop(); // releases it; nothing was checkpointable inside the horizon
    await waitFor('the lease taken back', () => first.shards().length === 2);
    let lastLaunch = '';
    for (let i = 3; i < 6; i += 1) lastLaunch = await put(T0 + i * 10_000, 'p4d.24xlarge', i + 1, '0');
    // Ticks only once the launches are in: an idle shard's input is closed, so a tick read first would make them late.
    await waitFor('the later launches read', () => first.shards()[0]?.records === 6);
    const high = (2n ** 127n + 1n).toString();
    await put(TICK_TIME, 't3.micro', 7, '0');
    await put(TICK_TIME, 't3.micro', 8, high);
    await waitFor(
      'checkpoint at the last launch',
      async () => (await table.list())[0]?.checkpoint === lastLaunch,
    );
    await first.stop();
    const bursts = sink.findings.filter((finding) => finding.detection === 'ec2-large-instance-burst');
    expect(bursts.map((finding) => finding.count)).toEqual([6]); // 9 if the first three were pushed again
  }, 120_000);
});

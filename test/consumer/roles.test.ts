import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type KinesisClient, PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../processor/cli/config.js';
import { enabledDetections } from '../../processor/cli/detections.js';
import type { JsonObject } from '../../schemas/types.js';
import { runInstancesRecord } from '../cloudtrail.js';
import { type LocalDynamoDb, startDynalite } from '../dynamodb/local.js';
import { createStream, type KinesisLocal, startKinesisLocal } from '../kinesis/local.js';
import { findingsIn, lastVersions, listShards, replayFindings, waitFor } from './harness.js';
import { toData } from './records.js';

const CLI = ['--import', 'tsx', 'processor/cli/main.ts'];
const ENV = { ...process.env, NO_COLOR: '1', AWS_ACCESS_KEY_ID: 'AKIAFAKE', AWS_SECRET_ACCESS_KEY: 'fake' };
const SOURCE = 'roles-source';
const KEYED = 'roles-keyed';
const SAMPLES = [
  'samples/cloudtrail/cloudwatch-logs/batch-0001.json.gz',
  'samples/cloudtrail/eventbridge/events.jsonl',
  'samples/cloudtrail/s3/111122223333_CloudTrail_us-east-1_20261124T1105Z_a1b2.json.gz',
];
/** Four hours after the samples: a launch on every source shard moves every watermark past every window. */
const TICK_TIME = Date.UTC(2026, 10, 24, 15);

/** The CloudTrail samples as Kinesis records: the CloudWatch Logs envelope as is, every other record as JSON. */
function sampleRecords(): Uint8Array[] {
  const [cwl, eventBridge, s3] = SAMPLES as [string, string, string];
  const records: Uint8Array[] = [readFileSync(cwl)];
  for (const line of readFileSync(eventBridge, 'utf8').split('\n').filter(Boolean))
    records.push(Buffer.from(line));
  const trail = JSON.parse(gunzipSync(readFileSync(s3)).toString('utf8')) as { Records: JsonObject[] };
  for (const record of trail.Records) records.push(toData(record));
  return records;
}

async function put(client: KinesisClient, entries: readonly PutRecordsRequestEntry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += 200) {
    const out = await client.send(
      new PutRecordsCommand({ StreamName: SOURCE, Records: entries.slice(i, i + 200) }),
    );
    expect(out.FailedRecordCount ?? 0).toBe(0);
  }
}

describe('`shardwatch run --role ingest` and `--role detect` as two processes', () => {
  let kinesis: KinesisLocal;
  let dynamo: LocalDynamoDb;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    [kinesis, dynamo] = await Promise.all([startKinesisLocal(), startDynalite()]);
  }, 60_000);
  afterAll(async () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all([kinesis?.stop(), dynamo?.stop()]);
  });

  it('find exactly what one `all` process and a replay find on the same records', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'shardwatch-roles-'));
    const client = kinesis.client();
    // One keyed shard: a keyed shard that no tick reaches would go idle and hold the watermark still.
    await Promise.all([createStream(client, SOURCE, 2), createStream(client, KEYED, 1)]);
    const starts = (await listShards(client, SOURCE)).map((shard) => shard.start);
    const ticks = starts.map((_, index) =>
      runInstancesRecord('111122223333', TICK_TIME + index, 't3.micro', index),
    );
    await put(client, [
      ...sampleRecords().map((data, index) => ({ Data: data, PartitionKey: `record-${index}` })),
      ...ticks.map((record, index) => ({
        Data: toData(record),
        PartitionKey: 'tick',
        ExplicitHashKey: starts[index] as string,
      })),
    ]);
    const tickFile = join(directory, 'ticks.jsonl');
    writeFileSync(tickFile, ticks.map((record) => JSON.stringify(record)).join('\n'));
    const expected = lastVersions(await replayFindings([...SAMPLES, tickFile]));

    const config = (name: string, leaseTable: string) => {
      const path = join(directory, `${name}.yaml`);
      writeFileSync(
        path,
        `consumer:
  stream: ${SOURCE}
  leaseTable: ${leaseTable}
  keyedStream: { stream: ${KEYED}, leaseTable: keyed-leases }
  region: us-east-1
  endpoints: { kinesis: '${kinesis.endpoint}', dynamodb: '${dynamo.endpoint}' }
  checkpointInterval: 200ms
`,
      );
      return path;
    };
    const stderr = new Map<string, string>();
    const start = (role: string, configPath: string) => {
      const out = join(directory, `${role}.jsonl`);
      const args = [...CLI, 'run', '--config', configPath, '--role', role, '--out', out];
      const child = spawn(process.execPath, args, { env: ENV, stdio: ['ignore', 'ignore', 'pipe'] });
      stderr.set(role, '');
      child.stderr?.on('data', (chunk: Buffer) => stderr.set(role, `${stderr.get(role)}${chunk}`));
      children.push(child);
      return { child, out };
    };
    // The split roles share one config, as their ECS services would; `all` reads the same stream on its own leases.
    const all = start('all', config('all', 'all-leases'));
    const splitConfig = config('split', 'split-leases');
    const ingest = start('ingest', splitConfig);
    const detect = start('detect', splitConfig);
    const split = () => lastVersions([...findingsIn(ingest.out), ...findingsIn(detect.out)]);
    const same = (found: Map<string, number>) =>
      found.size === expected.size && [...expected].every(([id, count]) => found.get(id) === count);
    await waitFor(
      'both setups to find what replay finds',
      () => same(lastVersions(findingsIn(all.out))) && same(split()),
      90_000,
      () =>
        `\nexpected ${JSON.stringify([...expected])}\nall ${JSON.stringify([...lastVersions(findingsIn(all.out))])}` +
        `\nsplit ${JSON.stringify([...split()])}\n${[...stderr].map(([role, text]) => `${role}: ${text}`).join('\n')}`,
    );
    const exits = [all, ingest, detect].map(({ child }) => once(child, 'exit'));
    for (const { child } of [all, ingest, detect]) child.kill('SIGTERM');
    const codes = (await Promise.all(exits)).map(([code]) => code);

    expect(codes).toEqual([0, 0, 0]);
    expect(expected.size).toBe(17); // the CloudTrail samples' stories (the ticks find nothing)
    expect(lastVersions(findingsIn(all.out))).toEqual(expected);
    expect(split()).toEqual(expected);
    // Each side ran only its own detections.
    const { detections } = enabledDetections(DEFAULT_CONFIG);
    const stateful = new Set(detections.filter((d) => d.stateful).map((d) => d.id));
    const ingested = findingsIn(ingest.out);
    const detected = findingsIn(detect.out);
    expect(ingested.length).toBeGreaterThan(0);
    expect(detected.length).toBeGreaterThan(0);
    expect(ingested.filter((finding) => stateful.has(finding.detection))).toEqual([]);
    expect(detected.filter((finding) => !stateful.has(finding.detection))).toEqual([]);
  }, 150_000);
});

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type KinesisClient, PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../processor/cli/config.js';
import { enabledDetections } from '../../processor/cli/detections.js';
import type { JsonObject } from '../../schemas/types.js';
import { runInstancesRecord } from '../cloudtrail.js';
import { createStream } from '../kinesis/local.js';
import { findingsIn, lastVersions, listShards, replayFindings, useEmulators, waitFor } from './harness.js';
import { toData } from './records.js';

const CLI = ['--import', 'tsx', 'processor/cli/main.ts'];
const ENV = { ...process.env, NO_COLOR: '1', AWS_ACCESS_KEY_ID: 'AKIAFAKE', AWS_SECRET_ACCESS_KEY: 'fake' };
const SOURCE = 'roles-source';
const KEYED = 'roles-keyed';
/** Every sample the stream can carry as it arrives from AWS (the custom-format flow log needs its own flowFormat). */
const SAMPLES = [
  'samples/cloudtrail/cloudwatch-logs/batch-0001.json.gz',
  'samples/cloudtrail/eventbridge/events.jsonl',
  'samples/cloudtrail/s3/111122223333_CloudTrail_us-east-1_20261124T1105Z_a1b2.json.gz',
  'samples/flowlogs/cloudwatch-logs.json.gz',
  'samples/flowlogs/eni-default-v2.log',
  'samples/guardduty/findings.jsonl',
  'samples/guardduty/raw-finding.json',
];
/**
 * Launches on every source shard the next day, past every window and the GuardDuty finding's 24-h dedup
 * period; a second round 10 minutes later moves ingest's watermark past the first, which it then publishes,
 * so the keyed stream's watermark passes them all too.
 */
const TICK_TIMES = [Date.UTC(2026, 10, 25, 1), Date.UTC(2026, 10, 25, 1, 10)];

/**
 * The samples as Kinesis records: CloudWatch Logs envelopes and the raw finding as they are, one record per line
 * of the EventBridge events and flow logs, one per CloudTrail record of the S3 file.
 */
function sampleRecords(): Uint8Array[] {
  const [ctLogs, ctEvents, ctS3, flowLogs, flowLines, gdEvents, gdRaw] = SAMPLES as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const lines = (file: string) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => Buffer.from(line));
  const trail = JSON.parse(gunzipSync(readFileSync(ctS3)).toString('utf8')) as { Records: JsonObject[] };
  return [
    readFileSync(ctLogs),
    ...lines(ctEvents),
    ...trail.Records.map(toData),
    readFileSync(flowLogs),
    ...lines(flowLines),
    ...lines(gdEvents),
    readFileSync(gdRaw),
  ];
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
  const env = useEmulators();

  it('find exactly what one `all` process and a replay find on the same records', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'shardwatch-roles-'));
    const client = env.kinesis.client();
    // One keyed shard: a keyed shard that no tick reaches would go idle and hold the watermark still.
    await Promise.all([createStream(client, SOURCE, 2), createStream(client, KEYED, 1)]);
    const starts = (await listShards(client, SOURCE)).map((shard) => shard.start);
    const onEveryShard = TICK_TIMES.flatMap((time, round) =>
      starts.map((start, index) => ({
        start,
        record: runInstancesRecord('111122223333', time + index, 't3.micro', round * starts.length + index),
      })),
    );
    const ticks = onEveryShard.map(({ record }) => record);
    await put(client, [
      ...sampleRecords().map((data, index) => ({ Data: data, PartitionKey: `record-${index}` })),
      ...onEveryShard.map(({ start, record }) => ({
        Data: toData(record),
        PartitionKey: 'tick',
        ExplicitHashKey: start,
      })),
    ]);
    const tickFile = join(directory, 'ticks.jsonl');
    writeFileSync(tickFile, ticks.map((record) => JSON.stringify(record)).join('\n'));
    const expected = lastVersions(await replayFindings([...SAMPLES, tickFile]));

    const config = (name: string, leaseTable: string, keyed: boolean) => {
      const path = join(directory, `${name}.yaml`);
      writeFileSync(
        path,
        `consumer:
  stream: ${SOURCE}
  leaseTable: ${leaseTable}
${keyed ? `  keyedStream: { stream: ${KEYED}, leaseTable: keyed-leases }\n` : ''}  region: us-east-1
  endpoints: { kinesis: '${env.kinesis.endpoint}', dynamodb: '${env.dynamo.endpoint}' }
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
      env.children.push(child);
      return { child, out };
    };
    // The split roles share one config, as their ECS services would; `all` (one task, no keyed stream) reads the
    // same stream on its own leases.
    const all = start('all', config('all', 'all-leases', false));
    const splitConfig = config('split', 'split-leases', true);
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
    // The samples' 24 stories but the custom-format flow log's (ticks find nothing), plus the correlations':
    // GuardDuty findings grouped by family (6 incidents) and the flow-log interfaces that fall silent (3).
    expect(expected.size).toBe(75);
    expect(lastVersions(findingsIn(all.out))).toEqual(expected);
    expect(split()).toEqual(expected);
    // Each side ran only its own detections; the findings of single-event detections with a dedup period
    // are rolled up on the detect side, by the engine of their dedup key.
    const { detections } = enabledDetections(DEFAULT_CONFIG);
    const stateful = new Set(detections.filter((d) => d.stateful).map((d) => d.id));
    const relayed = new Set(
      detections.filter((d) => !d.stateful && d.dedupPeriodMs !== undefined).map((d) => d.id),
    );
    const ingested = findingsIn(ingest.out);
    const detected = findingsIn(detect.out);
    expect(ingested.length).toBeGreaterThan(0);
    expect(detected.some((finding) => stateful.has(finding.detection))).toBe(true);
    expect(detected.some((finding) => relayed.has(finding.detection))).toBe(true);
    expect(ingested.filter((f) => stateful.has(f.detection) || relayed.has(f.detection))).toEqual([]);
    expect(detected.filter((f) => !stateful.has(f.detection) && !relayed.has(f.detection))).toEqual([]);
  }, 150_000);
});

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type KinesisClient, PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { correlationScenario } from '../../bench/correlations/scenario.js';
import { correlationCatalog } from '../../detections/catalog/correlations/index.js';
import { hours } from '../../detections/operators/index.js';
import { runInstancesRecord } from '../cloudtrail.js';
import { createStream } from '../kinesis/local.js';
import { findingsIn, lastVersions, listShards, replayFindings, useEmulators, waitFor } from './harness.js';
import { toData } from './records.js';

const CLI = ['--import', 'tsx', 'processor/cli/main.ts'];
const ENV = { ...process.env, NO_COLOR: '1', AWS_ACCESS_KEY_ID: 'AKIAFAKE', AWS_SECRET_ACCESS_KEY: 'fake' };
const SOURCE = 'correlations-source';
const KEYED = 'correlations-keyed';
const START = Date.UTC(2026, 10, 21);
/**
 * Correlations whose stories the stream carries (the threat list needs a configured list, and API enumeration
 * is off by default: both left out here).
 */
const STORIES = [
  'iam-user-backdoor-chain',
  'ec2-user-data-swap',
  's3-bucket-exposed-after-block-removed',
  'signin-no-mfa-session-security-changes',
  'access-denied-then-succeeded',
  'ec2-instance-credentials-new-origin',
  'mass-destruction-by-principal',
  'signin-new-country-or-network',
  'guardduty-findings-by-family',
  'guardduty-finding-then-principal-activity',
  'flowlog-rejected-connection-spike',
  'flowlog-delivery-gap',
];

async function put(client: KinesisClient, entries: readonly PutRecordsRequestEntry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += 250) {
    const out = await client.send(
      new PutRecordsCommand({ StreamName: SOURCE, Records: entries.slice(i, i + 250) }),
    );
    expect(out.FailedRecordCount ?? 0).toBe(0);
  }
}

describe('correlations under `--role ingest` + `--role detect`', () => {
  const env = useEmulators();

  it('find exactly what one `all` process and a replay find, for a scenario of 12 correlations at once', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'shardwatch-correlations-'));
    const client = env.kinesis.client();
    await Promise.all([createStream(client, SOURCE, 2), createStream(client, KEYED, 1)]);
    const scenario = correlationScenario({
      start: START,
      stories: 1,
      spacingMs: hours(2),
      background: 300,
      only: STORIES,
    });
    const last = scenario.at(-1)?.time ?? START;
    // Launches on every source shard well after the scenario move every watermark past its windows and sequences.
    const starts = (await listShards(client, SOURCE)).map((shard) => shard.start);
    const ticks = [hours(26), hours(26) + 600_000].flatMap((offset, round) =>
      starts.map((start, index) => ({
        start,
        record: runInstancesRecord('111122223333', last + offset + index, 't3.micro', round * 10 + index),
      })),
    );
    await put(client, [
      ...scenario.map((item, index) => ({
        Data: item.source === 'flowlog' ? Buffer.from(item.record) : toData(item.record),
        PartitionKey: `record-${index}`,
      })),
      ...ticks.map(({ start, record }) => ({
        Data: toData(record),
        PartitionKey: 'tick',
        ExplicitHashKey: start,
      })),
    ]);
    const json = join(directory, 'scenario.jsonl');
    const flows = join(directory, 'flows.log');
    writeFileSync(
      json,
      [
        ...scenario.flatMap((item) => (item.source === 'flowlog' ? [] : [JSON.stringify(item.record)])),
        ...ticks.map(({ record }) => JSON.stringify(record)),
      ].join('\n'),
    );
    writeFileSync(
      flows,
      scenario.flatMap((item) => (item.source === 'flowlog' ? [item.record] : [])).join('\n'),
    );
    const replayed = await replayFindings([json, flows]);
    const expected = lastVersions(replayed);

    // `all` without the keyed stream is the single process that holds every window; the split pair shares one.
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
      const child = spawn(
        process.execPath,
        [...CLI, 'run', '--config', configPath, '--role', role, '--out', out],
        {
          env: ENV,
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      stderr.set(role, '');
      child.stderr?.on('data', (chunk: Buffer) => stderr.set(role, `${stderr.get(role)}${chunk}`));
      env.children.push(child);
      return { child, out };
    };
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
      120_000,
      () =>
        `\nexpected ${JSON.stringify([...expected])}\nall ${JSON.stringify([...lastVersions(findingsIn(all.out))])}` +
        `\nsplit ${JSON.stringify([...split()])}\n${[...stderr].map(([role, text]) => `${role}: ${text.slice(-3000)}`).join('\n')}`,
    );
    const exits = [all, ingest, detect].map(({ child }) => once(child, 'exit'));
    for (const { child } of [all, ingest, detect]) child.kill('SIGTERM');
    expect((await Promise.all(exits)).map(([code]) => code)).toEqual([0, 0, 0]);

    expect(lastVersions(findingsIn(all.out))).toEqual(expected);
    expect(split()).toEqual(expected);
    // Every planted story was found, by the detect side (the correlations are stateful).
    const correlations = new Set(correlationCatalog.map((entry) => entry.detection.id));
    const found = new Set(replayed.map((finding) => finding.detection).filter((id) => correlations.has(id)));
    expect([...found].sort()).toEqual([...STORIES].sort());
    const detected = new Set(findingsIn(detect.out).map((finding) => finding.detection));
    for (const id of STORIES) expect(detected.has(id), id).toBe(true);
  }, 240_000);
});

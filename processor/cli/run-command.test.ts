import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../schemas/types.js';
import { runInstancesRecord } from '../../test/cloudtrail.js';
import { type LocalDynamoDb, startDynalite } from '../../test/dynamodb/local.js';
import { createStream, type KinesisLocal, startKinesisLocal } from '../../test/kinesis/local.js';
import { LeaseTable } from '../consumer/lease-table.js';

const CLI = ['--import', 'tsx', 'processor/cli/main.ts'];
const ENV = { ...process.env, NO_COLOR: '1', AWS_ACCESS_KEY_ID: 'AKIAFAKE', AWS_SECRET_ACCESS_KEY: 'fake' };
const T0 = Date.UTC(2026, 10, 24, 9);

/** The JSON log lines (pino) of a run's stderr. */
const logLines = (stderr: string) =>
  stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
const ACCOUNT = '111122223333';

function shardwatch(...args: string[]) {
  const result = spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8', env: ENV });
  return { code: result.status, stderr: result.stderr };
}

describe('shardwatch run', () => {
  const directory = mkdtempSync(join(tmpdir(), 'shardwatch-run-'));
  const write = (name: string, text: string) => {
    const path = join(directory, name);
    writeFileSync(path, text);
    return path;
  };

  it('refuses an unknown role, a split role without a keyed stream and a config without a consumer section (exit 2)', () => {
    const config = write('no-consumer.yaml', 'lateness: 5m\n');
    expect(shardwatch('run', '--config', config, '--role', 'merge')).toEqual({
      code: 2,
      stderr: 'shardwatch run: --role must be one of all, ingest, detect, got merge\n',
    });
    const unkeyed = write('unkeyed.yaml', 'consumer: { stream: s, leaseTable: t }\n');
    expect(shardwatch('run', '--config', unkeyed, '--role', 'detect')).toEqual({
      code: 2,
      stderr: `shardwatch: ${unkeyed}: consumer.keyedStream: missing: role detect needs it\n`,
    });
    expect(shardwatch('run', '--config', config)).toEqual({
      code: 2,
      stderr: `shardwatch: ${config}: consumer: missing: \`shardwatch run\` needs a consumer section\n`,
    });
  }, 60_000);

  describe('against kinesis-local and dynalite', () => {
    let kinesis: KinesisLocal;
    let dynamo: LocalDynamoDb;
    beforeAll(async () => {
      [kinesis, dynamo] = await Promise.all([startKinesisLocal(), startDynalite()]);
    }, 60_000);
    afterAll(async () => {
      await Promise.all([kinesis?.stop(), dynamo?.stop()]);
    });

    /** Six p4d launches in a minute, then a launch 3 h later; returns the last burst launch's sequence number. */
    const putLaunches = async (stream: string) => {
      const client = kinesis.client();
      await createStream(client, stream, 1);
      const put = async (time: number, type: string, sequence: number) =>
        (
          await client.send(
            new PutRecordCommand({
              StreamName: stream,
              PartitionKey: ACCOUNT,
              Data: Buffer.from(JSON.stringify(runInstancesRecord(ACCOUNT, time, type, sequence))),
            }),
          )
        ).SequenceNumber as string;
      let lastBurst = '';
      for (let i = 0; i < 6; i += 1) lastBurst = await put(T0 + i * 10_000, 'p4d.24xlarge', i + 1);
      await put(T0 + 3 * 3_600_000, 't3.micro', 7); // moves the watermark past the burst and the 1-h horizon
      return lastBurst;
    };
    const config = (name: string, stream: string, extra = '') =>
      write(
        `${name}.yaml`,
        `consumer:
  stream: ${stream}
  leaseTable: ${stream}-leases
  workerId: cli-worker
  region: us-east-1
  endpoints: { kinesis: '${kinesis.endpoint}', dynamodb: '${dynamo.endpoint}' }
  failover: 2s
  checkpointInterval: 100ms
  horizon: 1h
${extra}`,
      );
    /** Starts `shardwatch run` and waits until its lease is checkpointed at `checkpoint`. */
    const runUntilCheckpoint = async (configPath: string, stream: string, checkpoint: string) => {
      const out = join(directory, `${stream}.jsonl`);
      const child = spawn(process.execPath, [...CLI, 'run', '--config', configPath, '--out', out], {
        env: ENV,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
      });
      const exited = once(child, 'exit');
      const table = new LeaseTable({ client: dynamo.client(), tableName: `${stream}-leases` });
      const deadline = Date.now() + 60_000;
      const current = async () => (await table.list().catch(() => []))[0]?.checkpoint;
      while ((await current()) !== checkpoint) {
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`no checkpoint; stderr: ${stderr}`);
        await sleep(100);
      }
      const stop = async () => {
        child.kill('SIGTERM');
        const [code] = await exited;
        const findings = readFileSync(out, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Finding);
        return { code, findings, stderr, lease: (await table.list())[0] };
      };
      return { stderr: () => stderr, stop };
    };
    // The default catalog: p4d is not an approved type (a finding, rolled up to 6), and six of them in 5 min.
    const expected = [
      ['ec2-instance-unapproved-type', 1, ACCOUNT],
      ['ec2-instance-unapproved-type', 6, ACCOUNT],
      ['ec2-large-instance-burst', 6, ACCOUNT],
    ];
    const summary = (findings: readonly Finding[]) =>
      findings.map((finding) => [finding.detection, finding.count, finding.account]);

    it('consumes until SIGTERM, then flushes findings, checkpoints, releases its lease and exits 0', async () => {
      const lastBurst = await putLaunches('trail');
      const run = await runUntilCheckpoint(config('run', 'trail'), 'trail', lastBurst);
      const { code, findings, stderr, lease } = await run.stop();

      expect(code).toBe(0);
      const events = logLines(stderr).map(({ event, shard, reason, level }) => ({
        event,
        shard,
        reason,
        level,
      }));
      expect(events).toEqual([
        { event: 'config_loaded', level: 'info' },
        { event: 'lease_acquired', shard: 'shardId-000000000000', level: 'info' },
        { event: 'started', level: 'info' },
        { event: 'stopping', level: 'info' },
        { event: 'lease_released', shard: 'shardId-000000000000', reason: 'shutdown', level: 'info' },
        { event: 'stopped', level: 'info' },
      ]);
      expect(logLines(stderr)[2]).toMatchObject({ role: 'all', workerId: 'cli-worker', stream: 'trail' });
      expect(summary(findings)).toEqual(expected);
      expect(lease?.checkpoint).toBe(lastBurst); // the later launch is inside the horizon: replayed by the next owner
      expect(lease?.leaseOwner).toBeNull();
    }, 90_000);

    it('reads through enhanced fan-out and serves /healthz and /metrics while it runs', async () => {
      const lastBurst = await putLaunches('trail-efo');
      const run = await runUntilCheckpoint(
        config('efo', 'trail-efo', '  fanOut: true\n  healthPort: 0\n'),
        'trail-efo',
        lastBurst,
      );
      const url = /health and metrics on (http:\/\/[^\s]+)\/healthz/.exec(run.stderr())?.[1];
      if (!url) throw new Error(`no health endpoint announced: ${run.stderr()}`);
      const local = url.replace('0.0.0.0', '127.0.0.1');
      const health = await fetch(`${local}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({
        status: 'ok',
        role: 'all',
        stream: 'trail-efo',
        shards: 1,
      });
      const metrics = await (await fetch(`${local}/metrics`)).text();
      expect(metrics).toContain('shardwatch_shards_leased 1\n');
      expect(metrics).toContain('shardwatch_events_total{source="cloudtrail"} 7\n');
      expect(metrics).toContain('shardwatch_findings_total{detection="ec2-large-instance-burst"} 1\n');
      const { code, findings } = await run.stop();

      expect(code).toBe(0);
      expect(summary(findings)).toEqual(expected);
    }, 90_000);
  });
});

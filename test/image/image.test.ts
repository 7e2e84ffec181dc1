import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaseTable } from '../../processor/consumer/lease-table.js';
import type { Finding } from '../../schemas/types.js';
import { runInstancesRecord } from '../cloudtrail.js';
import { type LocalDynamoDb, startDynalite } from '../dynamodb/local.js';
import { createStream, type KinesisLocal, startKinesisLocal } from '../kinesis/local.js';
import { ensureCommands } from '../setup/debian-packages.js';
import { NODE_24 } from '../setup/node-binary.js';
import { ensureBaseImage } from './base-image.js';
import { buildah } from './buildah.js';

const IMAGE = 'localhost/shardwatch:image-test';
const STREAM = 'image-trail';
const LEASES = 'image-trail-leases';
const T0 = Date.UTC(2026, 10, 24, 9);
/** One account per shard; records go to a shard by explicit hash key (shard 1 starts at 2^127). */
const SHARDS = [
  { shardId: 'shardId-000000000000', account: '111122223333', hashKey: '0' },
  { shardId: 'shardId-000000000001', account: '444455556666', hashKey: (2n ** 127n).toString() },
];

interface ImageConfig {
  Entrypoint: string[];
  Cmd: string[];
  User: string;
  WorkingDir: string;
}

/** Writes a line the report quotes (build time, size, health): visible in the test output. */
const report = (line: string) => process.stderr.write(`image test: ${line}\n`);

describe(`the container image (infra/Dockerfile on a local node:${NODE_24}-bookworm stand-in)`, () => {
  let config: ImageConfig;
  let kinesis: KinesisLocal;
  let dynamo: LocalDynamoDb;

  beforeAll(async () => {
    ensureCommands({ buildah: 'buildah', podman: 'podman', mmdebstrap: 'mmdebstrap' });
    const base = ensureBaseImage();
    const started = performance.now();
    buildah([
      'bud',
      '--quiet',
      '--isolation',
      'chroot',
      '--build-arg',
      `BASE=${base}`,
      '--file',
      'infra/Dockerfile',
      '--tag',
      IMAGE,
      '.',
    ]);
    const seconds = (performance.now() - started) / 1000;
    const size = buildah(['images', '--format', '{{.Size}}', IMAGE]).trim();
    report(`built ${IMAGE} in ${seconds.toFixed(0)} s, size ${size} (base ${base})`);
    config = JSON.parse(buildah(['inspect', '--type', 'image', IMAGE])).OCIv1.config as ImageConfig;
    [kinesis, dynamo] = await Promise.all([startKinesisLocal(), startDynalite()]);
  }, 600_000);

  afterAll(async () => {
    await Promise.all([kinesis?.stop(), dynamo?.stop()]);
    buildah(['rmi', '--force', IMAGE], { allowFailure: true });
  });

  it('runs as the unprivileged node user, under tini, with the consumer as its command', () => {
    expect(config.User).toBe('node');
    expect(config.WorkingDir).toBe('/app');
    expect(config.Entrypoint).toEqual(['/usr/bin/tini', '--', 'node', '/app/dist/processor/cli/main.js']);
    expect(config.Cmd).toEqual(['run', '--role', 'all']);
  });

  it('holds only production dependencies', () => {
    const container = buildah(['from', '--quiet', IMAGE]).trim();
    try {
      const mount = buildah(['mount', container]).trim();
      const modules = readdirSync(join(mount, 'app', 'node_modules'));
      const megabytes = execFileSync('du', ['-sm', join(mount, 'app', 'node_modules')], { encoding: 'utf8' });
      report(`/app/node_modules: ${modules.length} top-level entries, ${megabytes.split('\t')[0]} MB`);
      expect(modules).toContain('@aws-sdk');
      expect(modules).toContain('zod');
      for (const dev of [
        'vitest',
        'typescript',
        '@biomejs',
        'tsx',
        'aws-cdk-lib',
        'kinesis-local',
        'dynalite',
      ])
        expect(modules).not.toContain(dev);
      expect(readdirSync(join(mount, 'app', 'dist'))).toEqual(['detections', 'processor', 'schemas']);
      expect(statSync(join(mount, 'app', 'out')).uid).toBe(1000); // rejected findings, written as node
    } finally {
      buildah(['rm', container]);
    }
  });

  it('consumes kinesis-local with its own entrypoint and command, serves /healthz and /metrics, and on SIGTERM releases its leases after the final checkpoints', async () => {
    const client = kinesis.client();
    await createStream(client, STREAM, SHARDS.length);
    const lastBurst = new Map<string, string>();
    const truncated = await client.send(
      new PutRecordCommand({
        StreamName: STREAM,
        PartitionKey: 'bad',
        ExplicitHashKey: '0',
        Data: Buffer.from('{"eventVersion":'),
      }),
    );
    for (const { shardId, account, hashKey } of SHARDS) {
      const put = async (time: number, type: string, sequence: number) =>
        (
          await client.send(
            new PutRecordCommand({
              StreamName: STREAM,
              PartitionKey: account,
              ExplicitHashKey: hashKey,
              Data: Buffer.from(JSON.stringify(runInstancesRecord(account, time, type, sequence))),
            }),
          )
        ).SequenceNumber as string;
      // Six p4d launches in a minute (two findings), then one 3 h later: it moves the shard's watermark
      // past the burst and the 1-h horizon, so the burst is checkpointable and the last launch is not.
      for (let i = 0; i < 6; i += 1)
        lastBurst.set(shardId, await put(T0 + i * 10_000, 'p4d.24xlarge', i + 1));
      await put(T0 + 3 * 3_600_000, 't3.micro', 7);
    }

    const healthPort = await freePort();
    const yaml = `consumer:
  stream: ${STREAM}
  leaseTable: ${LEASES}
  workerId: image-task
  region: us-east-1
  endpoints: { kinesis: '${kinesis.endpoint}', dynamodb: '${dynamo.endpoint}' }
  failover: 2s
  checkpointInterval: 100ms
  healthPort: ${healthPort}
log: { emf: { interval: 1s } }
`;
    const container = buildah(['from', '--quiet', IMAGE]).trim();
    const command = [...config.Entrypoint, ...config.Cmd];
    const run = spawn(
      'buildah',
      [
        '--storage-driver',
        'vfs',
        'run',
        '--isolation',
        'chroot',
        '--env',
        `SHARDWATCH_CONFIG=${yaml}`,
        '--env',
        'AWS_ACCESS_KEY_ID=AKIAFAKE',
        '--env',
        'AWS_SECRET_ACCESS_KEY=fake',
        container,
        '--',
        ...command,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const output = collect(run);
    const exited = once(run, 'exit');
    try {
      const table = new LeaseTable({ client: dynamo.client(), tableName: LEASES });
      const checkpointed = async () => {
        const leases = await table.list().catch(() => []);
        return SHARDS.every(
          ({ shardId }) => leases.find((l) => l.leaseKey === shardId)?.checkpoint === lastBurst.get(shardId),
        );
      };
      const deadline = Date.now() + 120_000;
      while (!(await checkpointed())) {
        if (Date.now() > deadline || run.exitCode !== null)
          throw new Error(`no checkpoints; stderr:\n${output.stderr()}`);
        await sleep(200);
      }

      const health = await fetch(`http://127.0.0.1:${healthPort}/healthz`);
      const healthBody = await health.json();
      report(`GET /healthz → ${health.status} ${JSON.stringify(healthBody)}`);
      expect(health.status).toBe(200);
      expect(healthBody).toMatchObject({ status: 'ok', role: 'all', workerId: 'image-task', shards: 2 });
      const metrics = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
      const quoted = metrics
        .split('\n')
        .filter((line) => /^shardwatch_(shards_leased|events_total|findings_total)/.test(line));
      report(`GET /metrics →\n  ${quoted.join('\n  ')}`);
      expect(quoted).toEqual([
        'shardwatch_shards_leased 2',
        'shardwatch_events_total{source="cloudtrail"} 14',
        'shardwatch_events_total{source="guardduty"} 0',
        'shardwatch_events_total{source="flowlog"} 0',
        'shardwatch_findings_total{detection="ec2-instance-unapproved-type"} 2',
        'shardwatch_findings_total{detection="ec2-large-instance-burst"} 2',
      ]);

      const init = processInContainer(run.pid as number, '/usr/bin/tini');
      report(`SIGTERM to PID ${init} (tini, the container's PID 1 command)`);
      process.kill(init, 'SIGTERM');
      const [code] = await exited;
      report(`exit code ${code}`);
      expect(code).toBe(0);

      const leases = await table.list();
      const state = leases.map(({ leaseKey, leaseOwner, checkpoint }) => ({
        leaseKey,
        leaseOwner,
        checkpoint,
      }));
      report(`lease table after exit: ${JSON.stringify(state)}`);
      expect(state.sort((a, b) => a.leaseKey.localeCompare(b.leaseKey))).toEqual(
        SHARDS.map(({ shardId }) => ({
          leaseKey: shardId,
          leaseOwner: null,
          checkpoint: lastBurst.get(shardId),
        })),
      );

      const logs = output
        .stderr()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      const events = logs.map((line) => line.event).filter((event) => event !== undefined);
      expect(events.filter((event) => event === 'lease_acquired')).toHaveLength(2);
      expect(events.slice(-4)).toEqual(['stopping', 'lease_released', 'lease_released', 'stopped']);
      expect(logs.find((line) => line.event === 'stopping')).toMatchObject({ signal: 'SIGTERM' });
      // No dead-letter file in a container: the undecodable record is a log line.
      expect(logs.filter((line) => line.event === 'dead_letter')).toEqual([
        expect.objectContaining({
          level: 'warn',
          reason: 'json_invalid',
          origin: { input: SHARDS[0]?.shardId, offset: truncated.SequenceNumber },
        }),
      ]);
      const emf = logs.filter((line) => line._aws !== undefined);
      expect(emf.length).toBeGreaterThan(0);
      expect(emf.at(-1)).toMatchObject({ Stream: STREAM, Role: 'all', ShardsLeased: 2, UnhealthySinks: 0 });
      expect(emf.reduce((total, line) => total + (line.DeadLetters as number), 0)).toBe(1);

      const findings = output
        .stdout()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Finding)
        .map((finding) => `${finding.account} ${finding.detection} ×${finding.count}`)
        .sort();
      expect(findings).toEqual(
        SHARDS.flatMap(({ account }) => [
          `${account} ec2-instance-unapproved-type ×1`,
          `${account} ec2-instance-unapproved-type ×6`,
          `${account} ec2-large-instance-burst ×6`,
        ]).sort(),
      );
    } finally {
      if (run.exitCode === null) {
        run.kill('SIGKILL');
        await exited;
      }
      buildah(['rm', container], { allowFailure: true });
    }
  }, 300_000);
});

/** Keeps everything a child writes (the container's stdout is findings, its stderr JSON logs). */
function collect(child: ChildProcess): { stdout: () => string; stderr: () => string } {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  return { stdout: () => stdout, stderr: () => stderr };
}

/**
 * The PID (on this host: chroot isolation shares the PID namespace) of the descendant of `root` running
 * `executable`, the container's PID 1 as ECS would signal it.
 */
function processInContainer(root: number, executable: string): number {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // the process exited meanwhile
    }
  }
  const isDescendant = (pid: number): boolean => {
    for (let parent = parents.get(pid); parent !== undefined && parent > 1; parent = parents.get(parent))
      if (parent === root) return true;
    return false;
  };
  for (const pid of parents.keys()) {
    if (!isDescendant(pid)) continue;
    const argv0 = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0];
    if (argv0 === executable) return pid;
  }
  throw new Error(`no ${executable} under PID ${root}`);
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}

import { once } from 'node:events';
import { basename, dirname, join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { LeaseTable } from '../consumer/lease-table.js';
import type { KeyedPublisher } from '../consumer/roles/keyed-publisher.js';
import { ROLES, type Role, roleWorker } from '../consumer/roles/roles.js';
import { SingleWriterLock } from '../consumer/single-writer-lock.js';
import { Worker, type WorkerOptions } from '../consumer/worker.js';
import type { DeadLetter } from '../decode/index.js';
import { DeadLetterFile } from '../sinks/dead-letter-file.js';
import { Delivery } from '../sinks/delivery.js';
import { SinkSetupError, sinksFromConfig } from '../sinks/from-config.js';
import { JsonlFile } from '../sinks/jsonl-file.js';
import { JsonlSink } from '../sinks/jsonl-sink.js';
import type { FindingSink } from '../sinks/sink.js';
import { ConfigError, loadConfig, type ShardwatchConfig } from './config.js';
import { type ConsumerConfig, loadConsumerConfig } from './consumer-config.js';
import { enabledDetections } from './detections.js';
import { type HealthServer, type HealthSnapshot, startHealthServer } from './health-server.js';

export interface RunCommandOptions {
  config: string;
  /** all (default) | ingest | detect: see the README's Run on Kinesis. */
  role?: string;
  /** Findings as JSON Lines here (default stdout), besides the sinks the config enables. */
  out?: string;
  /** Records that could not be decoded (default: beside --out, none without it). */
  deadLetters?: string;
}

/** One worker of this process: its role (ingest and detect both run for `all` over a keyed stream). */
interface RoleProcess {
  role: Role;
  worker: Worker;
  stream: string;
  publisher: KeyedPublisher | undefined;
}

/**
 * `shardwatch run`: consumes the configured Kinesis stream until SIGTERM/SIGINT, then stops gracefully
 * (stop reading, flush sinks, checkpoint, release leases) and returns 0; 2 for usage or config errors, and
 * for `all` without a keyed stream when another live worker holds the lease table's single-writer lock.
 * `all` with consumer.keyedStream runs ingest and detect in this process, so any number of tasks is exact.
 *
 *   process.exitCode = await runCommand({ config: 'shardwatch.yaml', out: 'out/findings.jsonl' });
 */
export async function runCommand(
  options: RunCommandOptions,
  signals: NodeJS.EventEmitter = process,
): Promise<number> {
  const role = (options.role ?? 'all') as Role;
  if (!ROLES.includes(role)) return usage(`--role must be one of ${ROLES.join(', ')}, got ${role}`);
  let config: ShardwatchConfig;
  let consumer: ConsumerConfig;
  let sinks: FindingSink[];
  try {
    config = loadConfig(options.config);
    consumer = loadConsumerConfig(options.config);
    if (role !== 'all' && !consumer.keyedStream)
      throw new ConfigError(`${options.config}.consumer.keyedStream`, `missing: role ${role} needs it`);
    sinks = sinksFromConfig(config.sinks, process.env);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`shardwatch: ${message}\n`);
    return error instanceof ConfigError || error instanceof SinkSetupError ? 2 : 1;
  }
  const deadLetterPath =
    options.deadLetters ?? (options.out ? beside(options.out, 'dead-letters') : undefined);
  const deadLetterFile = deadLetterPath ? new JsonlFile<DeadLetter>(deadLetterPath) : undefined;
  const delivery = new Delivery({
    sinks: [new JsonlSink(options.out ? { path: options.out } : { stream: process.stdout }), ...sinks],
    deadLetters: new DeadLetterFile(
      config.sinks.deadLetters ??
        (options.out ? beside(options.out, 'rejected') : 'out/rejected-findings.jsonl'),
    ),
  });
  const { kinesis, dynamodb, subscriptions } = clients(consumer);
  let deadLetters = 0;
  const { detections, params } = enabledDetections(config);
  const all: WorkerOptions = {
    kinesis,
    dynamodb,
    streamName: consumer.stream,
    leaseTableName: consumer.leaseTable,
    workerId: consumer.workerId,
    detections,
    params,
    allowRules: config.allowList,
    flowFormat: config.flowFormat,
    latenessMs: config.latenessMs,
    state: config.state,
    delivery,
    initialPosition: consumer.initialPosition,
    failoverMs: consumer.failoverMs,
    checkpointIntervalMs: consumer.checkpointIntervalMs,
    idleTimeoutMs: consumer.idleTimeoutMs,
    horizonMs: consumer.horizonMs,
    onDeadLetter: (deadLetter) => {
      deadLetters += 1;
      deadLetterFile?.write(deadLetter);
    },
    onError: (error, context) => process.stderr.write(`shardwatch: ${context}: ${describe(error)}\n`),
    ...(consumer.fanOut ? { fanOut: { consumerName: consumer.leaseTable, kinesis: subscriptions } } : {}),
  };
  const roles: Role[] = role === 'all' && consumer.keyedStream ? ['ingest', 'detect'] : [role];
  const processes: RoleProcess[] = roles.map((each) => {
    const { options, publisher } = roleWorker(each, all, consumer.keyedStream);
    if (options.keyed) options.keyed.snapshotIntervalMs = consumer.snapshotIntervalMs;
    return { role: each, worker: new Worker(options), stream: options.streamName, publisher };
  });
  const snapshot = (): HealthSnapshot => healthOf(role, consumer, processes, delivery, deadLetters);
  const stopRequested = Promise.race([once(signals, 'SIGTERM'), once(signals, 'SIGINT')]);
  let health: HealthServer | undefined;
  let lock: SingleWriterLock | undefined;
  let lockLost: Promise<void> = new Promise(() => undefined);
  try {
    if (role === 'all' && !consumer.keyedStream) {
      let lost: () => void = () => undefined;
      lockLost = new Promise((resolve) => {
        lost = resolve;
      });
      lock = new SingleWriterLock({
        client: dynamodb,
        tableName: consumer.leaseTable,
        workerId: consumer.workerId,
        failoverMs: consumer.failoverMs,
        onLost: lost,
      });
      await new LeaseTable({ client: dynamodb, tableName: consumer.leaseTable }).ensureTable();
      const holder = await lock.acquire();
      if (holder) {
        lock = undefined;
        return usage(
          `worker ${holder.owner} is running role all on lease table ${consumer.leaseTable}: without ` +
            'consumer.keyedStream, role all runs in one task only (each task would count windows over only ' +
            'the shards it holds). Configure consumer.keyedStream to run several tasks, or run one task.',
        );
      }
    }
    if (consumer.healthPort !== undefined) {
      health = await startHealthServer({ port: consumer.healthPort, snapshot });
      process.stderr.write(`shardwatch: health and metrics on ${health.url}/healthz and /metrics\n`);
    }
    for (const { role: each, worker, stream } of processes) {
      await worker.start();
      process.stderr.write(`shardwatch: worker ${consumer.workerId} (role ${each}) consuming ${stream}\n`);
    }
    const stopping = await Promise.race([stopRequested.then(() => 'signal'), lockLost.then(() => 'lock')]);
    if (stopping === 'lock')
      process.stderr.write(
        `shardwatch: another worker took the single-writer lock of ${consumer.leaseTable}: stopping\n`,
      );
    process.stderr.write('shardwatch: stopping: flushing findings, checkpointing, releasing leases\n');
    for (const { worker } of processes) await worker.stop();
    await lock?.stop();
    await delivery.close();
    await deadLetterFile?.close();
    return stopping === 'lock' ? 1 : 0;
  } catch (error) {
    process.stderr.write(`shardwatch: ${describe(error)}\n`);
    return 1;
  } finally {
    await health?.close();
    kinesis.destroy();
    if (subscriptions !== kinesis) subscriptions.destroy();
    dynamodb.destroy();
  }
}

/**
 * The health snapshot of this process: events as the first stage read them, late events and findings over
 * every engine, the watermark of the stage whose windows fire on it (detect, for `all` over a keyed stream).
 */
function healthOf(
  role: Role,
  consumer: ConsumerConfig,
  processes: readonly RoleProcess[],
  delivery: Delivery,
  deadLetters: number,
): HealthSnapshot {
  const [first] = processes as [RoleProcess, ...RoleProcess[]];
  const last = processes.at(-1) as RoleProcess;
  const findings: Record<string, number> = {};
  for (const { worker } of processes)
    for (const [detection, count] of worker.counters.findingsByDetection)
      findings[detection] = (findings[detection] ?? 0) + count;
  const publisher = processes.find((each) => each.publisher)?.publisher;
  const several = processes.length > 1;
  return {
    role,
    workerId: consumer.workerId,
    stream: first.stream,
    watermark: last.worker.watermark,
    // Shard ids repeat across streams: with two, each is prefixed by its stream.
    shards: processes.flatMap(({ worker, stream }) =>
      worker.shards().map((shard) => (several ? { ...shard, shardId: `${stream}/${shard.shardId}` } : shard)),
    ),
    sinks: delivery.metrics(),
    events: {
      bySource: { ...first.worker.counters.eventsBySource },
      late: processes.reduce((sum, { worker }) => sum + worker.counters.late, 0),
    },
    findings,
    deadLetters,
    ...(publisher
      ? {
          keyedStream: {
            watermark: publisher.promised,
            pending: publisher.pending,
            published: publisher.published,
          },
        }
      : {}),
  };
}

/**
 * HTTP/1.1 for Kinesis: GetRecords polling needs no HTTP/2, and the SDK's HTTP/2 handler fails a share of
 * calls against kinesis-local (and has had "Protocol error" reports against AWS). SubscribeToShard (fan-out)
 * needs HTTP/2 on AWS (the SDK's default handler), but kinesis-local serves it only over HTTP/1.1: with a
 * `kinesis` endpoint override the subscriptions use the HTTP/1.1 client too.
 */
function clients(consumer: ConsumerConfig): {
  kinesis: KinesisClient;
  subscriptions: KinesisClient;
  dynamodb: DynamoDBClient;
} {
  const region = consumer.region ? { region: consumer.region } : {};
  const { kinesis: endpoint, dynamodb } = consumer.endpoints;
  const kinesis = new KinesisClient({
    ...region,
    ...(endpoint ? { endpoint } : {}),
    requestHandler: new NodeHttpHandler(),
  });
  return {
    kinesis,
    subscriptions: endpoint ? kinesis : new KinesisClient(region),
    dynamodb: new DynamoDBClient({ ...region, ...(dynamodb ? { endpoint: dynamodb } : {}) }),
  };
}

/** `out/findings.jsonl` → `out/findings.<kind>.jsonl` */
function beside(out: string, kind: string): string {
  return join(dirname(out), `${basename(out).replace(/\.jsonl?$/i, '')}.${kind}.jsonl`);
}

function usage(message: string): number {
  process.stderr.write(`shardwatch run: ${message}\n`);
  return 2;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

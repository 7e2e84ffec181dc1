import { once } from 'node:events';
import { hostname } from 'node:os';
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
import {
  ConfigError,
  type ConsumerConfig,
  readConfigDocument,
  redactSecrets,
  type ShardwatchConfig,
  validateConfig,
} from './config.js';
import { enabledDetections } from './detections.js';
import { startEmfReporter } from './emf-metrics.js';
import { type HealthServer, type HealthSnapshot, startHealthServer } from './health-server.js';
import { createLogger } from './logger.js';

export interface RunCommandOptions {
  /** shardwatch.yaml; without it, the YAML in SHARDWATCH_CONFIG (and SHARDWATCH_* overrides either way). */
  config?: string;
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
 * Logs are JSON lines on stderr.
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
  let document: Record<string, unknown>;
  let enabled: ReturnType<typeof enabledDetections>;
  try {
    const loaded = readConfigDocument(options.config, process.env);
    document = loaded.document;
    config = validateConfig(loaded);
    enabled = enabledDetections(config);
    if (!config.consumer)
      throw new ConfigError(loaded.origin, [
        { path: 'consumer', message: 'missing: `shardwatch run` needs a consumer section' },
      ]);
    consumer = config.consumer;
    if (role !== 'all' && !consumer.keyedStream)
      throw new ConfigError(loaded.origin, [
        { path: 'consumer.keyedStream', message: `missing: role ${role} needs it` },
      ]);
    sinks = sinksFromConfig(config.sinks, process.env);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`shardwatch: ${message}\n`);
    return error instanceof ConfigError || error instanceof SinkSetupError ? 2 : 1;
  }
  const workerId = consumer.workerId ?? `${hostname()}-${process.pid}`;
  const log = createLogger(config.log.level).child({ role, workerId });
  log.info({ event: 'config_loaded', config: redactSecrets(document) }, 'config loaded');
  const deadLetterPath =
    options.deadLetters ?? (options.out ? beside(options.out, 'dead-letters') : undefined);
  const deadLetterFile = deadLetterPath ? new JsonlFile<DeadLetter>(deadLetterPath) : undefined;
  const rejectedFindings = new DeadLetterFile(
    config.sinks.deadLetters ??
      (options.out ? beside(options.out, 'rejected') : 'out/rejected-findings.jsonl'),
  );
  const delivery = new Delivery({
    sinks: [new JsonlSink(options.out ? { path: options.out } : { stream: process.stdout }), ...sinks],
    // Also one log line per rejected finding: in a container the file goes with the task.
    deadLetters: {
      write: (rejected) => {
        for (const { finding, sink, reason, detail } of rejected)
          log.warn(
            {
              event: 'finding_rejected',
              sink,
              reason,
              detail,
              findingId: finding.id,
              detection: finding.detection,
            },
            'finding rejected',
          );
        return rejectedFindings.write(rejected);
      },
      close: () => rejectedFindings.close(),
    },
    onSinkHealth: (sink, healthy) =>
      healthy
        ? log.info({ event: 'sink_healthy', sink }, 'sink healthy again')
        : log.warn({ event: 'sink_unhealthy', sink }, 'sink unhealthy'),
  });
  const { kinesis, dynamodb, subscriptions } = clients(consumer);
  let deadLetters = 0;
  const { detections, params } = enabled;
  const all: WorkerOptions = {
    kinesis,
    dynamodb,
    streamName: consumer.stream,
    leaseTableName: consumer.leaseTable,
    workerId,
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
      if (deadLetterFile) deadLetterFile.write(deadLetter);
      else {
        const { reason, origin, detail } = deadLetter;
        log.warn({ event: 'dead_letter', reason, origin, detail }, 'record dead-lettered');
      }
    },
    onError: (error, context) => log.error({ event: 'error', context, err: error }, `${context} failed`),
    log,
    ...(consumer.fanOut ? { fanOut: { consumerName: consumer.leaseTable, kinesis: subscriptions } } : {}),
  };
  const roles: Role[] = role === 'all' && consumer.keyedStream ? ['ingest', 'detect'] : [role];
  const processes: RoleProcess[] = roles.map((each) => {
    const { options, publisher } = roleWorker(each, all, consumer.keyedStream);
    if (options.keyed) options.keyed.snapshotIntervalMs = consumer.snapshotIntervalMs;
    return { role: each, worker: new Worker(options), stream: options.streamName, publisher };
  });
  const snapshot = (): HealthSnapshot => healthOf(role, workerId, processes, delivery, deadLetters);
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
        workerId,
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
      log.info(
        { event: 'health_listening', url: health.url },
        `health and metrics on ${health.url}/healthz and /metrics`,
      );
    }
    for (const { role: each, worker, stream } of processes) {
      await worker.start();
      log.info({ event: 'started', stage: each, stream }, `consuming ${stream} (role ${each})`);
    }
    const { emf } = config.log;
    const stopEmf = emf ? startEmfReporter({ log, ...emf, snapshot }) : undefined;
    const stopping = await Promise.race([
      stopRequested.then(([signal]) => signal as NodeJS.Signals),
      lockLost.then(() => 'lock' as const),
    ]);
    if (stopping === 'lock')
      log.error(
        { event: 'lock_lost', leaseTable: consumer.leaseTable },
        `another worker took the single-writer lock of ${consumer.leaseTable}: stopping`,
      );
    log.info(
      { event: 'stopping', signal: stopping === 'lock' ? null : stopping },
      'stopping: flushing findings, checkpointing, releasing leases',
    );
    stopEmf?.();
    for (const { worker } of processes) await worker.stop();
    await lock?.stop();
    await delivery.close();
    await deadLetterFile?.close();
    log.info({ event: 'stopped' }, 'stopped');
    return stopping === 'lock' ? 1 : 0;
  } catch (error) {
    log.error({ event: 'failed', err: error }, describe(error));
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
  workerId: string,
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
    workerId,
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

import { once } from 'node:events';
import { basename, dirname, join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { ROLES, type Role, roleWorker } from '../consumer/roles/roles.js';
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
  /** all (default) | ingest | detect (DESIGN.md §5). */
  role?: string;
  /** Findings as JSON Lines here (default stdout), besides the sinks the config enables. */
  out?: string;
  /** Records that could not be decoded (default: beside --out, none without it). */
  deadLetters?: string;
}

/**
 * `shardwatch run`: consumes the configured Kinesis stream until SIGTERM/SIGINT, then stops gracefully
 * (stop reading, flush sinks, checkpoint, release leases) and returns 0; 2 for usage or config errors.
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
  let enabled: ReturnType<typeof enabledDetections>;
  try {
    config = loadConfig(options.config);
    enabled = enabledDetections(config);
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
  const { detections, params } = enabled;
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
  const { options: workerOptions, publisher } = roleWorker(role, all, consumer.keyedStream);
  const worker = new Worker(workerOptions);
  const snapshot = (): HealthSnapshot => {
    const { counters } = worker.pipeline;
    return {
      role,
      workerId: consumer.workerId,
      stream: workerOptions.streamName,
      watermark: worker.watermark,
      shards: worker.shards(),
      sinks: delivery.metrics(),
      events: { bySource: { ...counters.eventsBySource }, late: counters.late },
      findings: Object.fromEntries(counters.findingsByDetection),
      deadLetters,
      ...(publisher
        ? {
            keyedStream: {
              holding: publisher.holding,
              pending: publisher.pending,
              published: publisher.published,
            },
          }
        : {}),
    };
  };
  const stopRequested = Promise.race([once(signals, 'SIGTERM'), once(signals, 'SIGINT')]);
  let health: HealthServer | undefined;
  try {
    if (consumer.healthPort !== undefined) {
      health = await startHealthServer({ port: consumer.healthPort, snapshot });
      process.stderr.write(`shardwatch: health and metrics on ${health.url}/healthz and /metrics\n`);
    }
    await worker.start();
    process.stderr.write(
      `shardwatch: worker ${consumer.workerId} (role ${role}) consuming ${workerOptions.streamName}\n`,
    );
    await stopRequested;
    process.stderr.write('shardwatch: stopping: flushing findings, checkpointing, releasing leases\n');
    await worker.stop();
    await delivery.close();
    await deadLetterFile?.close();
    return 0;
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

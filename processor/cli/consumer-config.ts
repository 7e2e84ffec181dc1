import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { parse } from 'yaml';
import type { KeyedStream } from '../consumer/roles/roles.js';
import { ConfigError, parseDuration } from './config.js';

/** The `consumer:` section of shardwatch.yaml: which stream `shardwatch run` reads and how it leases shards. */
export interface ConsumerConfig {
  stream: string;
  /** DynamoDB lease table (KCL 2.x layout); created if missing. */
  leaseTable: string;
  /** Lease owner name; default `<hostname>-<pid>`. */
  workerId: string;
  /** Default: the SDK's region chain (AWS_REGION, profile). */
  region: string | undefined;
  /** Endpoint overrides (kinesis-local, dynalite in tests). */
  endpoints: { kinesis?: string; dynamodb?: string };
  /** Where shards without a checkpoint start. */
  initialPosition: 'TRIM_HORIZON' | 'LATEST';
  /** Lease duration (KCL failoverTimeMillis). */
  failoverMs: number;
  checkpointIntervalMs: number;
  /** Must cover the longest window / sequence span of the enabled detections (records inside it are replayed on takeover). */
  horizonMs: number;
  /** A caught-up shard without records for this long stops holding the watermark back. */
  idleTimeoutMs: number;
  /** The internal stream between the `ingest` and `detect` roles, and the lease table of its consumers. */
  keyedStream: KeyedStream | undefined;
  /** A keyed shard checkpoints, saving its engine's snapshot, at most this often. */
  snapshotIntervalMs: number;
  /** Enhanced fan-out (SubscribeToShard) instead of GetRecords polling; the consumer is named after the lease table. */
  fanOut: boolean;
  /** Port of the /healthz and /metrics endpoint (0: any free port); none when unset. */
  healthPort: number | undefined;
}

export const DEFAULT_CONSUMER = {
  initialPosition: 'TRIM_HORIZON',
  failoverMs: 10_000,
  checkpointIntervalMs: 5_000,
  horizonMs: 3_600_000,
  idleTimeoutMs: 30_000,
  snapshotIntervalMs: 60_000,
} as const;

/**
 * Reads the `consumer:` key of a shardwatch.yaml (the rest is config.ts's); throws ConfigError with a path.
 *
 *   const consumer = loadConsumerConfig('shardwatch.yaml'); // { stream: 'cloudtrail', leaseTable: 'shardwatch', … }
 */
export function loadConsumerConfig(file: string): ConsumerConfig {
  return parseConsumerConfig(parse(readFileSync(file, 'utf8')) ?? {}, file);
}

/**
 * The consumer settings from a parsed YAML document.
 *
 *   parseConsumerConfig({ consumer: { stream: 'events', leaseTable: 'sw', failover: '20s' } }, 'shardwatch.yaml');
 */
export function parseConsumerConfig(
  document: unknown,
  origin = 'config',
  defaultWorkerId = `${hostname()}-${process.pid}`,
): ConsumerConfig {
  const root = asRecord(document, origin);
  const path = `${origin}.consumer`;
  if (root.consumer === undefined)
    throw new ConfigError(path, 'missing: `shardwatch run` needs a consumer section');
  const section = asRecord(root.consumer, path);
  const endpoints = asRecord(section.endpoints ?? {}, `${path}.endpoints`);
  const initialPosition = section.initialPosition ?? DEFAULT_CONSUMER.initialPosition;
  if (initialPosition !== 'TRIM_HORIZON' && initialPosition !== 'LATEST') {
    throw new ConfigError(`${path}.initialPosition`, 'expected TRIM_HORIZON or LATEST');
  }
  const duration = (key: string, fallback: number): number =>
    section[key] === undefined ? fallback : parseDuration(section[key], `${path}.${key}`);
  const kinesis = optionalString(endpoints.kinesis, `${path}.endpoints.kinesis`);
  const dynamodb = optionalString(endpoints.dynamodb, `${path}.endpoints.dynamodb`);
  const stream = requiredString(section.stream, `${path}.stream`);
  const leaseTable = requiredString(section.leaseTable, `${path}.leaseTable`);
  return {
    stream,
    leaseTable,
    workerId: optionalString(section.workerId, `${path}.workerId`) ?? defaultWorkerId,
    region: optionalString(section.region, `${path}.region`),
    endpoints: { ...(kinesis ? { kinesis } : {}), ...(dynamodb ? { dynamodb } : {}) },
    initialPosition,
    failoverMs: positive(duration('failover', DEFAULT_CONSUMER.failoverMs), `${path}.failover`),
    checkpointIntervalMs: duration('checkpointInterval', DEFAULT_CONSUMER.checkpointIntervalMs),
    horizonMs: duration('horizon', DEFAULT_CONSUMER.horizonMs),
    idleTimeoutMs: duration('idleTimeout', DEFAULT_CONSUMER.idleTimeoutMs),
    keyedStream: keyedStream(section.keyedStream, `${path}.keyedStream`, { stream, leaseTable }),
    snapshotIntervalMs: duration('snapshotInterval', DEFAULT_CONSUMER.snapshotIntervalMs),
    fanOut: optionalBoolean(section.fanOut, `${path}.fanOut`) ?? false,
    healthPort: port(section.healthPort, `${path}.healthPort`),
  };
}

function keyedStream(value: unknown, path: string, source: KeyedStream): KeyedStream | undefined {
  if (value === undefined) return undefined;
  const section = asRecord(value, path);
  const stream = requiredString(section.stream, `${path}.stream`);
  const leaseTable = requiredString(section.leaseTable, `${path}.leaseTable`);
  if (stream === source.stream) throw new ConfigError(`${path}.stream`, 'must differ from consumer.stream');
  if (leaseTable === source.leaseTable)
    throw new ConfigError(`${path}.leaseTable`, 'must differ from consumer.leaseTable');
  return { stream, leaseTable };
}

function asRecord(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(path, 'expected a mapping');
  }
  return value as Record<string, unknown>;
}

function requiredString(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new ConfigError(path, 'expected a non-empty string');
  return value;
}

function optionalString(value: unknown, path: string): string | undefined {
  if (value === undefined) return undefined;
  return requiredString(value, path);
}

function optionalBoolean(value: unknown, path: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  throw new ConfigError(path, 'expected true or false');
}

function port(value: unknown, path: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 65_535)
    throw new ConfigError(path, 'expected a port number 0–65535');
  return value;
}

function positive(value: number, path: string): number {
  if (value <= 0) throw new ConfigError(path, 'expected a duration above 0');
  return value;
}

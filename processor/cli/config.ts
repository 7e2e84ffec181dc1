import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { DetectionParams } from '../../detections/api.js';
import type { AllowRule } from '../../detections/operators/index.js';
import { DEFAULT_STATE_OPTIONS } from '../state/index.js';

export interface DetectionSettings {
  enabled: boolean;
  params: DetectionParams;
}

export interface ShardwatchConfig {
  /** Allowed lateness of events behind the newest event of their input (docs/architecture.md, Event time). */
  latenessMs: number;
  state: { maxEntries: number; maxBytes: number; ttlMs: number };
  /** By detection id; detections not listed are enabled with default params. */
  detections: Record<string, DetectionSettings>;
  allowList: AllowRule[];
  /** VPC flow log format for records that carry no header (CloudWatch Logs envelopes, Kinesis). */
  flowFormat: string | undefined;
  /** Where findings go besides the JSONL output; none by default. */
  sinks: SinksConfig;
}

export interface SnsSinkConfig {
  region: string;
  /** Topic ARN per tier; a tier without a topic is not published. `.fifo` topics get group and dedup ids. */
  topics: { alert?: string; notify?: string; log?: string };
  /** Owning team by account id; the team's own topic (if any) gets that account's findings too. */
  teams: Record<string, { team: string; topicArn?: string }>;
  endpoint?: string;
}

export interface TimestreamSinkConfig {
  region: string;
  database: string;
  table: string;
}

export type InfluxDbSinkConfig =
  | { url: string; apiVersion: 1; database: string }
  | {
      url: string;
      apiVersion: 2;
      org: string;
      bucket: string /** Environment variable holding the token. */;
      tokenEnv: string;
    };

export interface SinksConfig {
  /** Findings a sink rejects for good (JSON Lines). Default: beside the replay output, or out/. */
  deadLetters?: string;
  sns?: SnsSinkConfig;
  timestream?: TimestreamSinkConfig;
  influxdb?: InfluxDbSinkConfig;
}

export const DEFAULT_CONFIG: ShardwatchConfig = {
  latenessMs: 5 * 60_000,
  state: { ...DEFAULT_STATE_OPTIONS },
  detections: {},
  allowList: [],
  flowFormat: undefined,
  sinks: {},
};

/** A config file that cannot be used; `path` says where in the document. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `300000`, `"90s"`, `"5m"`, `"1h"`, `"30d"` → milliseconds. */
export function parseDuration(value: unknown, path: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  const match = typeof value === 'string' ? /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(value.trim()) : null;
  if (!match)
    throw new ConfigError(path, `expected a duration like 5m, 90s or 1h, got ${JSON.stringify(value)}`);
  return Number(match[1]) * (DURATION_UNITS[match[2] as string] as number);
}

export function loadConfig(file: string | undefined): ShardwatchConfig {
  if (file === undefined) return DEFAULT_CONFIG;
  return parseConfig(readFileSync(file, 'utf8'), file);
}

export function parseConfig(text: string, origin = 'config'): ShardwatchConfig {
  const document: unknown = parse(text) ?? {};
  const root = asRecord(document, origin);
  const state = asRecord(root.state ?? {}, `${origin}.state`);
  return {
    latenessMs:
      root.lateness === undefined
        ? DEFAULT_CONFIG.latenessMs
        : parseDuration(root.lateness, `${origin}.lateness`),
    state: {
      maxEntries: positiveInteger(
        state.maxEntries,
        `${origin}.state.maxEntries`,
        DEFAULT_STATE_OPTIONS.maxEntries,
      ),
      maxBytes: positiveInteger(state.maxBytes, `${origin}.state.maxBytes`, DEFAULT_STATE_OPTIONS.maxBytes),
      ttlMs:
        state.ttl === undefined
          ? DEFAULT_STATE_OPTIONS.ttlMs
          : parseDuration(state.ttl, `${origin}.state.ttl`),
    },
    detections: parseDetections(root.detections ?? {}, `${origin}.detections`),
    allowList: parseAllowList(root.allowList ?? [], `${origin}.allowList`),
    flowFormat: optionalString(root.flowFormat, `${origin}.flowFormat`),
    sinks: parseSinks(root.sinks ?? {}, `${origin}.sinks`),
  };
}

function parseSinks(value: unknown, path: string): SinksConfig {
  const sinks = asRecord(value, path);
  const parsed: SinksConfig = {};
  const deadLetters = optionalString(sinks.deadLetters, `${path}.deadLetters`);
  if (deadLetters) parsed.deadLetters = deadLetters;
  if (sinks.sns !== undefined) parsed.sns = parseSns(asRecord(sinks.sns, `${path}.sns`), `${path}.sns`);
  if (sinks.timestream !== undefined) {
    const timestream = asRecord(sinks.timestream, `${path}.timestream`);
    parsed.timestream = {
      region: requiredString(timestream.region, `${path}.timestream.region`),
      database: requiredString(timestream.database, `${path}.timestream.database`),
      table: requiredString(timestream.table, `${path}.timestream.table`),
    };
  }
  if (sinks.influxdb !== undefined) {
    const influx = asRecord(sinks.influxdb, `${path}.influxdb`);
    const url = requiredString(influx.url, `${path}.influxdb.url`);
    if (influx.apiVersion === 1) {
      parsed.influxdb = {
        url,
        apiVersion: 1,
        database: requiredString(influx.database, `${path}.influxdb.database`),
      };
    } else if (influx.apiVersion === 2) {
      parsed.influxdb = {
        url,
        apiVersion: 2,
        org: requiredString(influx.org, `${path}.influxdb.org`),
        bucket: requiredString(influx.bucket, `${path}.influxdb.bucket`),
        tokenEnv: requiredString(influx.tokenEnv, `${path}.influxdb.tokenEnv`),
      };
    } else {
      throw new ConfigError(
        `${path}.influxdb.apiVersion`,
        'expected 1 (InfluxDB 1.x) or 2 (2.x, Timestream for InfluxDB)',
      );
    }
  }
  return parsed;
}

function parseSns(sns: Record<string, unknown>, path: string): SnsSinkConfig {
  const topics = asRecord(sns.topics ?? {}, `${path}.topics`);
  // No prototype: account ids from the file become keys.
  const teams: SnsSinkConfig['teams'] = Object.create(null);
  const parsed: SnsSinkConfig = { region: requiredString(sns.region, `${path}.region`), topics: {}, teams };
  for (const tier of ['alert', 'notify', 'log'] as const) {
    const arn = optionalString(topics[tier], `${path}.topics.${tier}`);
    if (arn) parsed.topics[tier] = arn;
  }
  for (const [account, entry] of Object.entries(asRecord(sns.teams ?? {}, `${path}.teams`))) {
    const team = asRecord(entry, `${path}.teams.${account}`);
    const topicArn = optionalString(team.topicArn, `${path}.teams.${account}.topicArn`);
    parsed.teams[account] = {
      team: requiredString(team.team, `${path}.teams.${account}.team`),
      ...(topicArn ? { topicArn } : {}),
    };
  }
  const endpoint = optionalString(sns.endpoint, `${path}.endpoint`);
  if (endpoint) parsed.endpoint = endpoint;
  return parsed;
}

function requiredString(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new ConfigError(path, 'expected a non-empty string');
  return value;
}

function parseDetections(value: unknown, path: string): Record<string, DetectionSettings> {
  const settings: Record<string, DetectionSettings> = Object.create(null);
  for (const [id, entry] of Object.entries(asRecord(value, path))) {
    const detection = asRecord(entry ?? {}, `${path}.${id}`);
    const enabled = detection.enabled ?? true;
    if (typeof enabled !== 'boolean')
      throw new ConfigError(`${path}.${id}.enabled`, 'expected true or false');
    settings[id] = { enabled, params: asRecord(detection.params ?? {}, `${path}.${id}.params`) };
  }
  return settings;
}

function parseAllowList(value: unknown, path: string): AllowRule[] {
  if (!Array.isArray(value)) throw new ConfigError(path, 'expected a list of allow rules');
  return value.map((entry, index) => {
    const at = `${path}[${index}]`;
    const rule = asRecord(entry, at);
    const reason = rule.reason;
    if (typeof reason !== 'string' || reason.trim() === '') {
      throw new ConfigError(`${at}.reason`, 'every allow rule needs a reason');
    }
    const parsed: AllowRule = { reason };
    const detections = optionalStrings(rule.detections, `${at}.detections`);
    const accounts = optionalStrings(rule.accounts, `${at}.accounts`);
    const principals = optionalStrings(rule.principals, `${at}.principals`);
    const cidrs = optionalStrings(rule.cidrs, `${at}.cidrs`);
    if (detections) parsed.detections = detections;
    if (accounts) parsed.accounts = accounts;
    if (principals) parsed.principals = principals;
    if (cidrs) parsed.cidrs = cidrs;
    if (rule.tags !== undefined) parsed.tags = stringMap(rule.tags, `${at}.tags`);
    if (rule.expires !== undefined) parsed.expires = String(rule.expires);
    return parsed;
  });
}

function asRecord(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(path, 'expected a mapping');
  }
  return value as Record<string, unknown>;
}

function positiveInteger(value: unknown, path: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ConfigError(path, 'expected a positive integer');
  }
  return value;
}

function optionalString(value: unknown, path: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new ConfigError(path, 'expected a string');
  return value;
}

function optionalStrings(value: unknown, path: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new ConfigError(path, 'expected a list of strings');
  }
  return value;
}

function stringMap(value: unknown, path: string): Record<string, string> {
  const map: Record<string, string> = Object.create(null);
  for (const [key, item] of Object.entries(asRecord(value, path))) {
    if (typeof item !== 'string') throw new ConfigError(`${path}.${key}`, 'expected a string');
    map[key] = item;
  }
  return map;
}

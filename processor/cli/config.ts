import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { z } from 'zod';
import {
  applyEnvOverrides,
  CONFIG_DOCUMENT_VARIABLE,
  type EnvOverride,
  UnknownSettingError,
} from './config-env.js';
import { configJsonSchema, configSchema, duration, type ShardwatchConfig } from './config-schema.js';

export type {
  ConsumerConfig,
  DetectionSettings,
  InfluxDbSinkConfig,
  ShardwatchConfig,
  SigmaConfig,
  SinksConfig,
  SnsSinkConfig,
  TimestreamSinkConfig,
} from './config-schema.js';

/** One thing wrong in a config: `path` is where in the document (`consumer.failover`), `message` what. */
export interface ConfigIssue {
  path: string;
  message: string;
}

/** A config that cannot be used. The message lists every issue with its path, and never a secret's value. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** The first issue's path. */
  readonly path: string;

  constructor(
    readonly origin: string,
    readonly issues: ConfigIssue[],
  ) {
    super(issues.map((issue) => `${origin}: ${issue.path}: ${issue.message}`).join('\n'));
    this.path = issues[0]?.path ?? '';
  }
}

/** The document before validation: from a file, the SHARDWATCH_CONFIG variable or nothing, plus overrides. */
export interface ConfigDocument {
  /** The file name, `SHARDWATCH_CONFIG`, or `defaults`. */
  origin: string;
  document: Record<string, unknown>;
  overrides: EnvOverride[];
}

export const DEFAULT_CONFIG: ShardwatchConfig = parseConfig('');

/**
 * Reads, overrides from the environment and validates the config: one load, one typed result.
 *
 *   const config = loadConfig('shardwatch.yaml'); // config.consumer?.failoverMs === 10_000
 */
export function loadConfig(file: string | undefined, env: NodeJS.ProcessEnv = process.env): ShardwatchConfig {
  return validateConfig(readConfigDocument(file, env));
}

/** The config text as YAML, validated without environment overrides (tests, fixtures). */
export function parseConfig(text: string, origin = 'config'): ShardwatchConfig {
  return validateConfig({ origin, document: parseDocument(text, origin), overrides: [] });
}

/**
 * The document `loadConfig` validates: the file, else the YAML in SHARDWATCH_CONFIG (ECS injects an SSM
 * parameter this way), else empty; then the SHARDWATCH_<SECTION>__<KEY> overrides.
 */
export function readConfigDocument(file: string | undefined, env: NodeJS.ProcessEnv): ConfigDocument {
  const inline = env[CONFIG_DOCUMENT_VARIABLE];
  const origin = file ?? (inline ? CONFIG_DOCUMENT_VARIABLE : 'defaults');
  const document = parseDocument(file ? readFileSync(file, 'utf8') : (inline ?? ''), origin);
  try {
    return { origin, document, overrides: applyEnvOverrides(document, env, jsonSchema()) };
  } catch (error) {
    if (error instanceof UnknownSettingError)
      throw new ConfigError(origin, [{ path: error.variable, message: 'no such setting' }]);
    throw error;
  }
}

/** Validates a document; every issue is reported with its path (and the variable that set it, if any). */
export function validateConfig({ origin, document, overrides }: ConfigDocument): ShardwatchConfig {
  const result = configSchema.safeParse(document);
  if (result.success) return result.data;
  const fromEnv = new Map(overrides.map((override) => [override.path.join('.'), override.variable]));
  throw new ConfigError(
    origin,
    result.error.issues.flatMap((issue) => describeIssue(issue, fromEnv)),
  );
}

/**
 * A copy of the document with every secret (writeOnly in the schema) replaced, for logs and `--print`.
 *
 *   log.info({ config: redactSecrets(document) }, 'config loaded');
 */
export function redactSecrets(document: Record<string, unknown>): Record<string, unknown> {
  return redact(document, jsonSchema()) as Record<string, unknown>;
}

export const REDACTED = '[redacted]';

interface SchemaNode {
  writeOnly?: boolean;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
}

function redact(value: unknown, node: SchemaNode | undefined): unknown {
  if (node?.writeOnly && value !== undefined) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redact(item, node?.items));
  if (typeof value !== 'object' || value === null) return value;
  const branches = node ? [node, ...(node.anyOf ?? []), ...(node.oneOf ?? [])] : [];
  const child = (key: string): SchemaNode | undefined => {
    for (const branch of branches) {
      const found = branch.properties?.[key];
      if (found) return found;
      if (typeof branch.additionalProperties === 'object') return branch.additionalProperties;
    }
    return undefined;
  };
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redact(item, child(key))]));
}

let cachedJsonSchema: Record<string, unknown> | undefined;
function jsonSchema(): Record<string, unknown> {
  cachedJsonSchema ??= configJsonSchema();
  return cachedJsonSchema;
}

function parseDocument(text: string, origin: string): Record<string, unknown> {
  let document: unknown;
  try {
    document = parse(text) ?? {};
  } catch (error) {
    throw new ConfigError(origin, [
      { path: '(file)', message: (error as Error).message.split('\n')[0] ?? '' },
    ]);
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document))
    throw new ConfigError(origin, [{ path: '(root)', message: 'expected a mapping' }]);
  return document as Record<string, unknown>;
}

function describeIssue(issue: z.core.$ZodIssue, fromEnv: Map<string, string>): ConfigIssue[] {
  const at = (path: PropertyKey[]) => {
    const dotted = formatPath(path);
    const variable = fromEnv.get(path.map(String).join('.'));
    return variable ? `${dotted} (${variable})` : dotted;
  };
  if (issue.code === 'unrecognized_keys')
    return issue.keys.map((key) => ({ path: at([...issue.path, key]), message: 'unknown setting' }));
  return [{ path: at(issue.path), message: issue.message }];
}

/** `['allowList', 0, 'reason']` → `allowList[0].reason` */
function formatPath(path: PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((key, index) =>
      typeof key === 'number' ? `[${key}]` : index === 0 ? String(key) : `.${String(key)}`,
    )
    .join('');
}

/**
 * A duration given outside the schema's typed sections (a detection's free-form params), read like the
 * schema's durations: milliseconds, or a ConfigError at `path`.
 *
 *   parseDuration('2h', 'detections.sigma-x.params.dedup') // 7200000
 */
export function parseDuration(value: unknown, path: string): number {
  const result = duration.safeParse(value);
  if (result.success) return result.data;
  throw new ConfigError('config', [
    { path, message: result.error.issues[0]?.message ?? 'expected a duration' },
  ]);
}

import { z } from 'zod';
import { DEFAULT_STATE_OPTIONS } from '../state/index.js';

/**
 * The whole shardwatch.yaml, one section per config area. Everything that reads the config gets its typed
 * result from here (config.ts loads, applies environment overrides and reports errors by path); the JSON
 * Schema for editors (docs/shardwatch.schema.json) is generated from it. A section is a `z.strictObject`,
 * so a misspelt key is an error, not a silently ignored setting. Secrets carry `.meta({ writeOnly: true })`:
 * they are never printed (config.ts redacts them).
 */

// ── shared value types ──────────────────────────────────────────────────────────────────────────────────

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const durationError = (issue: { input?: unknown }) =>
  `expected a duration like 10s, 5m or 1h, got ${JSON.stringify(issue.input)}`;

/** `300000` (ms), `"90s"`, `"5m"`, `"1.5h"`, `"30d"` → milliseconds. */
export const duration = z
  .union([
    z.number({ error: durationError }).nonnegative({ error: durationError }),
    z.string().regex(DURATION, { error: durationError }),
  ])
  .transform((value) => {
    if (typeof value === 'number') return value;
    const [, amount, unit] = DURATION.exec(value) as RegExpExecArray;
    return Number(amount) * (DURATION_UNITS[unit as string] as number);
  })
  .meta({ description: 'milliseconds, or a number with a unit: ms, s, m, h, d', examples: ['10s', '5m'] });

const nonEmpty = z
  .string({ error: 'expected a non-empty string' })
  .trim()
  .min(1, 'expected a non-empty string');
const strings = z.array(z.string(), { error: 'expected a list of strings' });
const positiveInteger = z
  .number({ error: 'expected a positive integer' })
  .int('expected a positive integer')
  .positive('expected a positive integer');

// ── pipeline: lateness, state cache, flow log format ────────────────────────────────────────────────────

const lateness = duration.prefault('5m').meta({
  description:
    'How far behind the newest event of its input an event may arrive and still count in windows (event time).',
});

const state = z
  .strictObject({
    maxEntries: positiveInteger.default(DEFAULT_STATE_OPTIONS.maxEntries),
    maxBytes: positiveInteger.default(DEFAULT_STATE_OPTIONS.maxBytes),
    ttl: duration.prefault('30d').meta({ description: 'TTL of state cache entries, in event time.' }),
  })
  .prefault({})
  .transform(({ maxEntries, maxBytes, ttl }) => ({ maxEntries, maxBytes, ttlMs: ttl }))
  .meta({ description: 'Bounds of the state cache detections look assets up in.' });

const flowFormat = z
  .string()
  .optional()
  .meta({ description: 'VPC flow log format of records without a header line (CloudWatch Logs, Kinesis).' });

// ── detections ──────────────────────────────────────────────────────────────────────────────────────────

const detections = z
  .record(
    z.string(),
    z
      .strictObject({
        enabled: z.boolean({ error: 'expected true or false' }).default(true),
        params: z.record(z.string(), z.unknown(), { error: 'expected a mapping' }).default({}),
      })
      .nullish()
      .transform((entry) => ({ enabled: entry?.enabled ?? true, params: entry?.params ?? {} })),
    { error: 'expected a mapping of detection ids' },
  )
  .default({})
  .meta({ description: 'Per detection id: switch it off, or set its params.' });

// ── allow-lists ─────────────────────────────────────────────────────────────────────────────────────────

const allowList = z
  .array(
    z.strictObject({
      reason: z
        .string({ error: 'every allow rule needs a reason' })
        .trim()
        .min(1, 'every allow rule needs a reason'),
      detections: strings.optional(),
      accounts: strings.optional(),
      principals: strings.optional().meta({ description: 'Globs: arn:aws:iam::*:role/ci-*' }),
      cidrs: strings.optional(),
      tags: z.record(z.string(), z.string({ error: 'expected a string' })).optional(),
      expires: z
        .string()
        .optional()
        .meta({ description: 'ISO 8601 date or time; compared with event time.' }),
    }),
    { error: 'expected a list of allow rules' },
  )
  .default([])
  .meta({ description: 'Events matching every field of a rule are not seen by the listed detections.' });

// ── sinks ───────────────────────────────────────────────────────────────────────────────────────────────

const sns = z.strictObject({
  region: nonEmpty,
  topics: z
    .strictObject({ alert: z.string().optional(), notify: z.string().optional(), log: z.string().optional() })
    .default({})
    .meta({ description: 'Topic ARN per tier; a tier without a topic is not published.' }),
  teams: z
    .record(z.string(), z.strictObject({ team: nonEmpty, topicArn: z.string().optional() }))
    .default({})
    .meta({
      description: "Owning team by account id; the team's own topic gets that account's findings too.",
    }),
  endpoint: z.string().optional(),
});

const timestream = z.strictObject({ region: nonEmpty, database: nonEmpty, table: nonEmpty });

const influxdb = z.discriminatedUnion(
  'apiVersion',
  [
    z.strictObject({ url: nonEmpty, apiVersion: z.literal(1), database: nonEmpty }),
    z
      .strictObject({
        url: nonEmpty,
        apiVersion: z.literal(2),
        org: nonEmpty,
        bucket: nonEmpty,
        tokenEnv: nonEmpty.optional().meta({ description: 'Environment variable holding the API token.' }),
        token: nonEmpty.optional().meta({ writeOnly: true, description: 'The API token (prefer tokenEnv).' }),
      })
      .refine((target) => (target.token === undefined) !== (target.tokenEnv === undefined), {
        error: 'expected exactly one of token and tokenEnv',
        path: ['tokenEnv'],
      }),
  ],
  { error: 'expected apiVersion 1 (InfluxDB 1.x) or 2 (2.x, Timestream for InfluxDB)' },
);

const sinks = z
  .strictObject({
    deadLetters: z
      .string()
      .optional()
      .meta({ description: 'Findings a sink rejects for good (JSON Lines). Default beside the output.' }),
    sns: sns.optional(),
    timestream: timestream.optional(),
    influxdb: influxdb.optional(),
  })
  .default({})
  .meta({ description: 'Where findings go besides the JSONL output; none by default.' });

// ── consumer (shardwatch run) ───────────────────────────────────────────────────────────────────────────

const keyedStream = z.strictObject({ stream: nonEmpty, leaseTable: nonEmpty });

const consumer = z
  .strictObject({
    stream: nonEmpty.meta({ description: 'The source Kinesis stream.' }),
    leaseTable: nonEmpty.meta({ description: 'DynamoDB lease table (KCL 2.x layout); created if missing.' }),
    workerId: nonEmpty.optional().meta({ description: 'Lease owner name; default <hostname>-<pid>.' }),
    region: nonEmpty.optional().meta({ description: "Default: the SDK's chain (AWS_REGION)." }),
    endpoints: z
      .strictObject({ kinesis: nonEmpty.optional(), dynamodb: nonEmpty.optional() })
      .default({})
      .meta({ description: 'Endpoint overrides (kinesis-local, dynalite).' }),
    initialPosition: z
      .enum(['TRIM_HORIZON', 'LATEST'], { error: 'expected TRIM_HORIZON or LATEST' })
      .default('TRIM_HORIZON'),
    failover: duration
      .prefault('10s')
      .refine((ms) => ms > 0, 'expected a duration above 0')
      .meta({ description: "Lease duration; a dead worker's shards move after about two of them." }),
    checkpointInterval: duration.prefault('5s'),
    horizon: duration
      .prefault('1h')
      .meta({ description: 'Must cover the longest window or sequence of the enabled detections.' }),
    idleTimeout: duration
      .prefault('30s')
      .meta({ description: 'A caught-up shard quiet this long stops holding event time back.' }),
    keyedStream: keyedStream
      .optional()
      .meta({ description: 'The internal stream between --role ingest and --role detect.' }),
    snapshotInterval: duration
      .prefault('1m')
      .meta({ description: "A keyed shard checkpoints, saving its engine's snapshot, at most this often." }),
    fanOut: z.boolean({ error: 'expected true or false' }).default(false),
    healthPort: z
      .number({ error: 'expected a port number 0–65535' })
      .int('expected a port number 0–65535')
      .min(0, 'expected a port number 0–65535')
      .max(65_535, 'expected a port number 0–65535')
      .optional()
      .meta({ description: '/healthz and /metrics (0: any free port); none when unset.' }),
  })
  .superRefine((section, context) => {
    if (section.keyedStream?.stream === section.stream)
      context.addIssue({
        code: 'custom',
        path: ['keyedStream', 'stream'],
        message: 'must differ from consumer.stream',
      });
    if (section.keyedStream?.leaseTable === section.leaseTable)
      context.addIssue({
        code: 'custom',
        path: ['keyedStream', 'leaseTable'],
        message: 'must differ from consumer.leaseTable',
      });
  })
  .transform(({ failover, checkpointInterval, horizon, idleTimeout, snapshotInterval, ...rest }) => ({
    ...rest,
    failoverMs: failover,
    checkpointIntervalMs: checkpointInterval,
    horizonMs: horizon,
    idleTimeoutMs: idleTimeout,
    snapshotIntervalMs: snapshotInterval,
  }))
  .optional()
  .meta({ description: 'What `shardwatch run` consumes (not used by replay).' });

// ── Sigma rules ──────────────────────────────────────────────────────────────────────────────────────────

const sigmaRules = strings.meta({
  description: 'Sigma rule files and directories (relative to the working directory).',
});

const sigma = z
  .union([
    sigmaRules,
    z.strictObject({
      rules: sigmaRules.default([]),
      dedup: duration.prefault('1h').meta({
        description:
          'Findings of one (rule, principal, account) within this event-time period fold into one; 0: none.',
      }),
      placeholders: z
        .record(z.string(), strings, { error: 'expected a mapping of placeholder names to lists of values' })
        .default({})
        .meta({ description: 'Values of `expand` placeholders: `%Admins%` reads `placeholders.Admins`.' }),
    }),
  ])
  .default([])
  .transform((value) =>
    Array.isArray(value)
      ? { rules: value, dedupMs: 3_600_000, placeholders: {} as Record<string, string[]> }
      : { rules: value.rules, dedupMs: value.dedup, placeholders: value.placeholders },
  )
  .meta({
    description:
      'Sigma rules run beside the catalog: a list of rule files and directories, or {rules, dedup, placeholders}.',
  });

// ── logs ────────────────────────────────────────────────────────────────────────────────────────────────

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const log = z
  .strictObject({
    level: z
      .enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` })
      .default('info')
      .meta({ description: 'JSON log lines on stderr at this level and above; LOG_LEVEL overrides it.' }),
    emf: z
      .strictObject({
        interval: duration.refine((ms) => ms >= 1000, 'expected at least 1s'),
        namespace: nonEmpty.default('Shardwatch'),
      })
      .optional()
      .meta({
        description:
          '`shardwatch run`: one CloudWatch embedded-metric-format log line per interval (leases, dead letters, unhealthy sinks…), for alarms.',
      }),
  })
  .prefault({})
  .transform(({ emf, ...rest }) => ({
    ...rest,
    ...(emf ? { emf: { intervalMs: emf.interval, namespace: emf.namespace } } : {}),
  }));

// ── the file ────────────────────────────────────────────────────────────────────────────────────────────

export const configSchema = z
  .strictObject({ lateness, state, flowFormat, detections, allowList, sinks, sigma, consumer, log })
  .transform(({ lateness, ...rest }) => ({ latenessMs: lateness, ...rest }))
  .meta({ title: 'shardwatch configuration (shardwatch.yaml)' });

export type ShardwatchConfig = z.output<typeof configSchema>;
export type ConsumerConfig = NonNullable<ShardwatchConfig['consumer']>;
export type SinksConfig = ShardwatchConfig['sinks'];
export type SnsSinkConfig = NonNullable<SinksConfig['sns']>;
export type TimestreamSinkConfig = NonNullable<SinksConfig['timestream']>;
export type InfluxDbSinkConfig = NonNullable<SinksConfig['influxdb']>;
export type DetectionSettings = ShardwatchConfig['detections'][string];
export type SigmaConfig = ShardwatchConfig['sigma'];
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The JSON Schema (draft 7, what editors' YAML plugins read) of the file as written. */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(configSchema, { io: 'input', target: 'draft-7', unrepresentable: 'any' });
}

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DEFAULT_CONFIG,
  loadConfig,
  parseConfig,
  REDACTED,
  readConfigDocument,
  redactSecrets,
} from './config.js';
import { formatJsonSchema } from './schema-command.js';

/** The message of the ConfigError `run` throws. */
function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('no ConfigError');
}

describe('parseConfig', () => {
  it('gives the defaults for an empty document', () => {
    expect(parseConfig('')).toEqual(DEFAULT_CONFIG);
    expect(DEFAULT_CONFIG).toEqual({
      latenessMs: 300_000,
      state: { maxEntries: 100_000, maxBytes: 67_108_864, ttlMs: 2_592_000_000 },
      detections: {},
      allowList: [],
      sinks: {},
      sigma: { rules: [], dedupMs: 3_600_000, placeholders: {} },
      log: { level: 'info' },
    });
  });

  it.each([
    [300000, 300_000],
    ['90s', 90_000],
    ['5m', 300_000],
    ['1.5h', 5_400_000],
    ['30d', 2_592_000_000],
    ['250ms', 250],
  ])('reads the duration %s as %d ms', (input, expected) => {
    expect(parseConfig(`lateness: ${JSON.stringify(input)}`).latenessMs).toBe(expected);
  });

  it('reads lateness, state bounds, detection settings and allow rules', () => {
    const config = parseConfig(`
lateness: 15m
state: { maxEntries: 5000, ttl: 7d }
flowFormat: "\${version} \${account-id} \${srcaddr}"
detections:
  ec2-large-instance-burst:
    params: { maxLaunches: 10 }
  iam-user-created:
    enabled: false
  iam-root-account-usage:
allowList:
  - reason: CI fleet launches big build boxes
    detections: [ec2-large-instance-burst]
    principals: ["arn:aws:iam::*:role/ci-*"]
    cidrs: [10.0.0.0/8]
    tags: { team: build }
    expires: 2027-01-01
`);
    expect(config.latenessMs).toBe(900_000);
    expect(config.state).toEqual({ maxEntries: 5000, maxBytes: 67_108_864, ttlMs: 604_800_000 });
    expect(config.flowFormat).toBe('${version} ${account-id} ${srcaddr}');
    expect(config.detections).toEqual({
      'ec2-large-instance-burst': { enabled: true, params: { maxLaunches: 10 } },
      'iam-user-created': { enabled: false, params: {} },
      'iam-root-account-usage': { enabled: true, params: {} },
    });
    expect(config.allowList).toEqual([
      {
        reason: 'CI fleet launches big build boxes',
        detections: ['ec2-large-instance-burst'],
        principals: ['arn:aws:iam::*:role/ci-*'],
        cidrs: ['10.0.0.0/8'],
        tags: { team: 'build' },
        expires: '2027-01-01',
      },
    ]);
  });

  it('reads every consumer setting, durations in any unit, and fills the defaults', () => {
    expect(parseConfig('consumer: { stream: cloudtrail, leaseTable: shardwatch }').consumer).toEqual({
      stream: 'cloudtrail',
      leaseTable: 'shardwatch',
      endpoints: {},
      initialPosition: 'TRIM_HORIZON',
      failoverMs: 10_000,
      checkpointIntervalMs: 5_000,
      horizonMs: 3_600_000,
      idleTimeoutMs: 30_000,
      snapshotIntervalMs: 60_000,
      fanOut: false,
    });
    const config = parseConfig(`
consumer:
  stream: events
  leaseTable: sw-leases
  workerId: task-7
  region: eu-west-1
  endpoints: { kinesis: 'http://127.0.0.1:4568', dynamodb: 'http://127.0.0.1:8000' }
  initialPosition: LATEST
  failover: 20s
  checkpointInterval: 1500
  horizon: 2h
  idleTimeout: 45s
  snapshotInterval: 2m
  keyedStream: { stream: sw-keyed, leaseTable: sw-keyed-leases }
  fanOut: true
  healthPort: 8080
`);
    expect(config.consumer).toEqual({
      stream: 'events',
      leaseTable: 'sw-leases',
      workerId: 'task-7',
      region: 'eu-west-1',
      endpoints: { kinesis: 'http://127.0.0.1:4568', dynamodb: 'http://127.0.0.1:8000' },
      initialPosition: 'LATEST',
      failoverMs: 20_000,
      checkpointIntervalMs: 1_500,
      horizonMs: 7_200_000,
      idleTimeoutMs: 45_000,
      snapshotIntervalMs: 120_000,
      keyedStream: { stream: 'sw-keyed', leaseTable: 'sw-keyed-leases' },
      fanOut: true,
      healthPort: 8080,
    });
  });

  it('parses SNS topics by tier, owning teams by account, Timestream and InfluxDB targets', () => {
    const config = parseConfig(`
sinks:
  deadLetters: out/rejected.jsonl
  sns:
    region: eu-west-1
    topics: { alert: arn:aws:sns:eu-west-1:111122223333:security-alerts.fifo, notify: arn:aws:sns:eu-west-1:111122223333:notify }
    teams:
      "444455556666": { team: payments, topicArn: arn:aws:sns:eu-west-1:444455556666:payments-security }
  timestream: { region: eu-west-1, database: shardwatch, table: findings }
  influxdb: { url: "https://influx.example:8086", apiVersion: 2, org: sec, bucket: findings, tokenEnv: INFLUX_TOKEN }
`);
    expect(config.sinks).toEqual({
      deadLetters: 'out/rejected.jsonl',
      sns: {
        region: 'eu-west-1',
        topics: {
          alert: 'arn:aws:sns:eu-west-1:111122223333:security-alerts.fifo',
          notify: 'arn:aws:sns:eu-west-1:111122223333:notify',
        },
        teams: {
          '444455556666': {
            team: 'payments',
            topicArn: 'arn:aws:sns:eu-west-1:444455556666:payments-security',
          },
        },
      },
      timestream: { region: 'eu-west-1', database: 'shardwatch', table: 'findings' },
      influxdb: {
        url: 'https://influx.example:8086',
        apiVersion: 2,
        org: 'sec',
        bucket: 'findings',
        tokenEnv: 'INFLUX_TOKEN',
      },
    });
  });

  it.each([
    ['lateness: soon', 'lateness: expected a duration like 10s, 5m or 1h, got "soon"'],
    ['lateness: -5', 'lateness: expected a duration like 10s, 5m or 1h, got -5'],
    ['state: { maxEntries: -1 }', 'state.maxEntries: expected a positive integer'],
    ['detections: { x: { enabled: "yes" } }', 'detections.x.enabled: expected true or false'],
    ['detections: { x: { enable: false } }', 'detections.x.enable: unknown setting'],
    ['allowList: [{ accounts: ["1"] }]', 'allowList[0].reason: every allow rule needs a reason'],
    ['allowList: [{ reason: r, cidrs: 10.0.0.0/8 }]', 'allowList[0].cidrs: expected a list of strings'],
    ['latenes: 5m', 'latenes: unknown setting'],
    ['[1, 2]', '(root): expected a mapping'],
    [
      'sinks: { timestream: { region: eu-west-1, table: findings } }',
      'sinks.timestream.database: expected a non-empty string',
    ],
    [
      'sinks: { influxdb: { url: "http://x", apiVersion: 3 } }',
      'sinks.influxdb.apiVersion: expected apiVersion 1 (InfluxDB 1.x) or 2 (2.x, Timestream for InfluxDB)',
    ],
    [
      'sinks: { influxdb: { url: "http://x", apiVersion: 2, org: o, bucket: b } }',
      'sinks.influxdb.tokenEnv: expected exactly one of token and tokenEnv',
    ],
    [
      'sinks: { sns: { region: eu-west-1, teams: { "1": { topicArn: x } } } }',
      'sinks.sns.teams.1.team: expected a non-empty string',
    ],
    ['consumer: { leaseTable: t }', 'consumer.stream: expected a non-empty string'],
    [
      'consumer: { stream: s, leaseTable: t, initialPosition: AT_TIMESTAMP }',
      'consumer.initialPosition: expected TRIM_HORIZON or LATEST',
    ],
    [
      'consumer: { stream: s, leaseTable: t, failover: 10 minutes }',
      'consumer.failover: expected a duration like 10s, 5m or 1h, got "10 minutes"',
    ],
    ['consumer: { stream: s, leaseTable: t, failover: 0 }', 'consumer.failover: expected a duration above 0'],
    [
      'consumer: { stream: s, leaseTable: t, endpoints: [] }',
      'consumer.endpoints: Invalid input: expected object, received array',
    ],
    ['consumer: { stream: s, leaseTable: t, fanOut: yes please }', 'consumer.fanOut: expected true or false'],
    [
      'consumer: { stream: s, leaseTable: t, healthPort: 70000 }',
      'consumer.healthPort: expected a port number 0–65535',
    ],
    [
      'consumer: { stream: s, leaseTable: t, keyedStream: { stream: k } }',
      'consumer.keyedStream.leaseTable: expected a non-empty string',
    ],
    [
      'consumer: { stream: s, leaseTable: t, keyedStream: { stream: s, leaseTable: k } }',
      'consumer.keyedStream.stream: must differ from consumer.stream',
    ],
    [
      'consumer: { stream: s, leaseTable: t, keyedStream: { stream: k, leaseTable: t } }',
      'consumer.keyedStream.leaseTable: must differ from consumer.leaseTable',
    ],
    ['log: { level: loud }', 'log.level: expected one of fatal, error, warn, info, debug, trace, silent'],
  ])('rejects %s', (text, message) => {
    expect(errorOf(() => parseConfig(text, 'shardwatch.yaml'))).toBe(`shardwatch.yaml: ${message}`);
  });

  it('reports every issue of a document at once, with the first one as `path`', () => {
    const error = (() => {
      try {
        parseConfig('lateness: soon\nstate: { ttl: 1 week }\n');
      } catch (caught) {
        return caught as ConfigError;
      }
    })();
    expect(error?.path).toBe('lateness');
    expect(error?.issues.map((issue) => issue.path)).toEqual(['lateness', 'state.ttl']);
  });

  it('drops map keys named __proto__ without touching any prototype', () => {
    const config = parseConfig(
      'detections:\n  __proto__: { params: { polluted: 1 } }\nsinks: { sns: { region: r, teams: { __proto__: { team: x } } } }\n',
    );
    expect(({} as Record<string, unknown>).params).toBeUndefined();
    expect(({} as Record<string, unknown>).team).toBeUndefined();
    expect(Object.keys(config.detections)).toEqual([]);
    expect(Object.getPrototypeOf(config.detections)).toBe(Object.prototype);
  });
});

describe('environment overrides', () => {
  const load = (env: Record<string, string>, text?: string) =>
    loadConfig(undefined, text === undefined ? env : { ...env, SHARDWATCH_CONFIG: text });

  it('set any setting ECS style (SECTION__KEY), over the file or SHARDWATCH_CONFIG', () => {
    const config = load(
      {
        SHARDWATCH_CONSUMER__STREAM: 'events-prod',
        SHARDWATCH_CONSUMER__LEASE_TABLE: 'sw-prod',
        SHARDWATCH_CONSUMER__FAILOVER: '20s',
        SHARDWATCH_CONSUMER__HEALTH_PORT: '8080',
        SHARDWATCH_CONSUMER__FAN_OUT: 'true',
        SHARDWATCH_CONSUMER__KEYED_STREAM__STREAM: 'sw-keyed',
        SHARDWATCH_CONSUMER__KEYED_STREAM__LEASE_TABLE: 'sw-keyed-leases',
        SHARDWATCH_LATENESS: '2m',
        SHARDWATCH_DETECTIONS__IAM_USER_CREATED__ENABLED: 'false',
        SHARDWATCH_DETECTIONS__EC2_LARGE_INSTANCE_BURST__PARAMS: '{ moreThan: 9 }',
        SHARDWATCH_SINKS__SNS__TEAMS__444455556666__TEAM: 'payments',
        SHARDWATCH_ALLOWLIST__0__REASON: 'from the environment',
        SHARDWATCH_LOG__LEVEL: 'debug',
      },
      'consumer: { stream: events, leaseTable: sw, region: eu-west-1 }\nsinks: { sns: { region: eu-west-1 } }\n',
    );
    expect(config.consumer).toMatchObject({
      stream: 'events-prod',
      leaseTable: 'sw-prod',
      region: 'eu-west-1',
      failoverMs: 20_000,
      healthPort: 8080,
      fanOut: true,
      keyedStream: { stream: 'sw-keyed', leaseTable: 'sw-keyed-leases' },
    });
    expect(config.latenessMs).toBe(120_000);
    expect(config.detections).toEqual({
      'iam-user-created': { enabled: false, params: {} },
      'ec2-large-instance-burst': { enabled: true, params: { moreThan: 9 } },
    });
    expect(config.sinks.sns?.teams).toEqual({ '444455556666': { team: 'payments' } });
    expect(config.allowList).toEqual([{ reason: 'from the environment' }]);
    expect(config.log.level).toBe('debug');
  });

  it('keep a string setting as text even when it reads as a number', () => {
    const config = load({ SHARDWATCH_CONSUMER__STREAM: '12345', SHARDWATCH_CONSUMER__LEASE_TABLE: 'true' });
    expect(config.consumer).toMatchObject({ stream: '12345', leaseTable: 'true' });
  });

  it('name the variable when its value is bad, and refuse a variable that names no setting', () => {
    expect(
      errorOf(() =>
        load({ SHARDWATCH_CONSUMER__FAILOVER: '10 minutes' }, 'consumer: { stream: s, leaseTable: t }'),
      ),
    ).toBe(
      'SHARDWATCH_CONFIG: consumer.failover (SHARDWATCH_CONSUMER__FAILOVER): expected a duration like 10s, 5m or 1h, got "10 minutes"',
    );
    expect(errorOf(() => load({ SHARDWATCH_CONSUMR__STREAM: 's' }))).toBe(
      'defaults: SHARDWATCH_CONSUMR__STREAM: no such setting',
    );
  });
});

describe('secrets', () => {
  const env = {
    SHARDWATCH_SINKS__INFLUXDB__URL: 'https://influx.example:8086',
    SHARDWATCH_SINKS__INFLUXDB__API_VERSION: '2',
    SHARDWATCH_SINKS__INFLUXDB__ORG: 'sec',
    SHARDWATCH_SINKS__INFLUXDB__BUCKET: 'findings',
    SHARDWATCH_SINKS__INFLUXDB__TOKEN: 's3cr3t-t0ken',
  };

  it('are read but redacted wherever the config is shown', () => {
    expect(loadConfig(undefined, env).sinks.influxdb).toMatchObject({ token: 's3cr3t-t0ken' });
    const shown = JSON.stringify(redactSecrets(readConfigDocument(undefined, env).document));
    expect(shown).not.toContain('s3cr3t-t0ken');
    expect(shown).toContain(`"token":"${REDACTED}"`);
  });

  it('never appear in an error', () => {
    const message = errorOf(() =>
      loadConfig(undefined, { ...env, SHARDWATCH_SINKS__INFLUXDB__TOKEN_ENV: 'X' }),
    );
    expect(message).toBe(
      'defaults: sinks.influxdb.tokenEnv (SHARDWATCH_SINKS__INFLUXDB__TOKEN_ENV): expected exactly one of token and tokenEnv',
    );
  });
});

describe('JSON Schema for editors', () => {
  it('docs/shardwatch.schema.json is the schema of this build (npm run schema rewrites it)', () => {
    expect(readFileSync('docs/shardwatch.schema.json', 'utf8')).toBe(formatJsonSchema());
  });

  it('the example config is valid', () => {
    expect(() => loadConfig('shardwatch.example.yaml', {})).not.toThrow();
  });
});

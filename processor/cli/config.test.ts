import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CONFIG, parseConfig, parseDuration } from './config.js';

describe('parseDuration', () => {
  it.each([
    [300000, 300_000],
    ['90s', 90_000],
    ['5m', 300_000],
    ['1.5h', 5_400_000],
    ['30d', 2_592_000_000],
    ['250ms', 250],
  ])('%s → %d ms', (input, expected) => {
    expect(parseDuration(input, 'x')).toBe(expected);
  });

  it.each([['5 minutes'], ['-5m'], [''], [null], [Number.NaN], [-1]])('rejects %s', (input) => {
    expect(() => parseDuration(input, 'lateness')).toThrow(ConfigError);
  });
});

describe('parseConfig', () => {
  it('gives the defaults for an empty document', () => {
    expect(parseConfig('')).toEqual(DEFAULT_CONFIG);
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
allowList:
  - reason: CI fleet launches big build boxes
    detections: [ec2-large-instance-burst]
    principals: ["arn:aws:iam::*:role/ci-*"]
    cidrs: [10.0.0.0/8]
    tags: { team: build }
    expires: 2027-01-01
`);
    expect(config.latenessMs).toBe(900_000);
    expect(config.state).toEqual({
      maxEntries: 5000,
      maxBytes: DEFAULT_CONFIG.state.maxBytes,
      ttlMs: 604_800_000,
    });
    expect(config.flowFormat).toBe('${version} ${account-id} ${srcaddr}');
    expect(config.detections['ec2-large-instance-burst']).toEqual({
      enabled: true,
      params: { maxLaunches: 10 },
    });
    expect(config.detections['iam-user-created']).toEqual({ enabled: false, params: {} });
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

  it.each([
    ['lateness: soon', 'config.lateness'],
    ['state: { maxEntries: -1 }', 'config.state.maxEntries'],
    ['detections: { x: { enabled: "yes" } }', 'config.detections.x.enabled'],
    ['allowList: [{ accounts: ["1"] }]', 'config.allowList[0].reason'],
    ['allowList: [{ reason: r, cidrs: 10.0.0.0/8 }]', 'config.allowList[0].cidrs'],
    ['[1, 2]', 'config'],
  ])('rejects %s at %s', (text, path) => {
    expect(() => parseConfig(text)).toThrow(expect.objectContaining({ name: 'ConfigError', path }));
  });

  it('does not let __proto__ keys reach Object.prototype', () => {
    const config = parseConfig('detections:\n  __proto__: { params: { polluted: 1 } }\n');
    expect(({} as Record<string, unknown>).params).toBeUndefined();
    expect(Object.keys(config.detections)).toEqual(['__proto__']);
  });
});

describe('sinks config', () => {
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
    expect(DEFAULT_CONFIG.sinks).toEqual({});
  });

  it.each([
    ['sinks: { timestream: { region: eu-west-1, table: findings } }', 'config.sinks.timestream.database'],
    ['sinks: { influxdb: { url: "http://x", apiVersion: 3 } }', 'config.sinks.influxdb.apiVersion'],
    [
      'sinks: { sns: { region: eu-west-1, teams: { "1": { topicArn: x } } } }',
      'config.sinks.sns.teams.1.team',
    ],
  ])('names the bad key: %s', (text, path) => {
    expect(() => parseConfig(text)).toThrow(path);
  });

  it('does not let an account id named __proto__ reach any prototype', () => {
    const config = parseConfig('sinks: { sns: { region: r, teams: { __proto__: { team: x } } } }');
    expect(({} as Record<string, unknown>).team).toBeUndefined();
    expect(Object.keys(config.sinks.sns?.teams ?? {})).toEqual(['__proto__']);
  });
});

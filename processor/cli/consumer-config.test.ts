import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigError } from './config.js';
import { parseConsumerConfig } from './consumer-config.js';

const parseYaml = (text: string) => parseConsumerConfig(parse(text), 'shardwatch.yaml', 'host-42');

describe('parseConsumerConfig', () => {
  it('fills the defaults around stream and lease table', () => {
    expect(parseYaml('consumer: { stream: cloudtrail, leaseTable: shardwatch }')).toEqual({
      stream: 'cloudtrail',
      leaseTable: 'shardwatch',
      workerId: 'host-42',
      region: undefined,
      endpoints: {},
      initialPosition: 'TRIM_HORIZON',
      failoverMs: 10_000,
      checkpointIntervalMs: 5_000,
      horizonMs: 3_600_000,
      idleTimeoutMs: 30_000,
      keyedStream: undefined,
      snapshotIntervalMs: 60_000,
      fanOut: false,
      healthPort: undefined,
    });
  });

  it('reads every setting, durations in any config unit', () => {
    const config = parseYaml(`
lateness: 5m
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
  keyedStream: { stream: sw-keyed, leaseTable: sw-keyed-leases }
  snapshotInterval: 2m
  fanOut: true
  healthPort: 8080
`);
    expect(config).toEqual({
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
      keyedStream: { stream: 'sw-keyed', leaseTable: 'sw-keyed-leases' },
      snapshotIntervalMs: 120_000,
      fanOut: true,
      healthPort: 8080,
    });
  });

  it.each([
    ['lateness: 5m', 'shardwatch.yaml.consumer: missing: `shardwatch run` needs a consumer section'],
    ['consumer: { leaseTable: t }', 'shardwatch.yaml.consumer.stream: expected a non-empty string'],
    ['consumer: { stream: s }', 'shardwatch.yaml.consumer.leaseTable: expected a non-empty string'],
    [
      'consumer: { stream: s, leaseTable: t, initialPosition: AT_TIMESTAMP }',
      'shardwatch.yaml.consumer.initialPosition: expected TRIM_HORIZON or LATEST',
    ],
    [
      'consumer: { stream: s, leaseTable: t, failover: 10 minutes }',
      'shardwatch.yaml.consumer.failover: expected a duration like 5m, 90s or 1h, got "10 minutes"',
    ],
    [
      'consumer: { stream: s, leaseTable: t, failover: 0 }',
      'shardwatch.yaml.consumer.failover: expected a duration above 0',
    ],
    [
      'consumer: { stream: s, leaseTable: t, endpoints: [] }',
      'shardwatch.yaml.consumer.endpoints: expected a mapping',
    ],
    [
      'consumer: { stream: s, leaseTable: t, fanOut: yes please }',
      'shardwatch.yaml.consumer.fanOut: expected true or false',
    ],
    [
      'consumer: { stream: s, leaseTable: t, healthPort: 70000 }',
      'shardwatch.yaml.consumer.healthPort: expected a port number 0–65535',
    ],
    [
      'consumer: { stream: s, leaseTable: t, keyedStream: { stream: k } }',
      'shardwatch.yaml.consumer.keyedStream.leaseTable: expected a non-empty string',
    ],
    [
      'consumer: { stream: s, leaseTable: t, keyedStream: { stream: s, leaseTable: k } }',
      'shardwatch.yaml.consumer.keyedStream.stream: must differ from consumer.stream',
    ],
    [
      'consumer: { stream: s, leaseTable: t, keyedStream: { stream: k, leaseTable: t } }',
      'shardwatch.yaml.consumer.keyedStream.leaseTable: must differ from consumer.leaseTable',
    ],
  ])('rejects %s', (text, message) => {
    expect(() => parseYaml(text)).toThrow(ConfigError);
    expect(() => parseYaml(text)).toThrow(message);
  });
});

import { describe, expect, it } from 'vitest';
import { emfRecord } from './emf-metrics.js';
import type { HealthSnapshot } from './health-server.js';

const sink = (written: number, rejected: number, healthy: boolean) => ({
  written,
  retried: 0,
  rejected,
  batches: 1,
  meanBatchSize: written,
  latencyMs: { mean: 1, max: 1 },
  healthy,
});

const before: HealthSnapshot = {
  role: 'ingest',
  workerId: 'task-1',
  stream: 'security-events',
  watermark: Number.NEGATIVE_INFINITY,
  shards: [
    { shardId: 'shardId-000000000000', millisBehindLatest: 4000, records: 10, outstanding: 0, idle: false },
  ],
  sinks: { jsonl: sink(5, 0, true), sns: sink(5, 1, true) },
  events: { bySource: { cloudtrail: 100, guardduty: 2, flowlog: 0 }, late: 0 },
  findings: { 'iam-user-created': 4 },
  deadLetters: 2,
};

const after: HealthSnapshot = {
  ...before,
  shards: [
    { shardId: 'shardId-000000000000', millisBehindLatest: 1000, records: 40, outstanding: 0, idle: false },
    { shardId: 'shardId-000000000001', millisBehindLatest: 90_000, records: 3, outstanding: 3, idle: false },
  ],
  sinks: { jsonl: sink(9, 0, true), sns: sink(5, 4, false) },
  events: { bySource: { cloudtrail: 130, guardduty: 2, flowlog: 5 }, late: 1 },
  findings: { 'iam-user-created': 6, 'iam-root-account-usage': 1 },
  deadLetters: 7,
};

describe('emfRecord', () => {
  it('carries gauges as they are and counters as their increase since the previous record', () => {
    expect(emfRecord(after, before, 'Shardwatch', 1_700_000_000_000)).toEqual({
      _aws: {
        Timestamp: 1_700_000_000_000,
        CloudWatchMetrics: [
          {
            Namespace: 'Shardwatch',
            Dimensions: [['Stream', 'Role']],
            Metrics: [
              { Name: 'ShardsLeased', Unit: 'Count' },
              { Name: 'UnhealthySinks', Unit: 'Count' },
              { Name: 'MaxMillisBehindLatest', Unit: 'Milliseconds' },
              { Name: 'Events', Unit: 'Count' },
              { Name: 'Findings', Unit: 'Count' },
              { Name: 'DeadLetters', Unit: 'Count' },
              { Name: 'RejectedFindings', Unit: 'Count' },
            ],
          },
        ],
      },
      Stream: 'security-events',
      Role: 'ingest',
      ShardsLeased: 2,
      UnhealthySinks: 1,
      MaxMillisBehindLatest: 90_000,
      Events: 35,
      Findings: 3,
      DeadLetters: 5,
      RejectedFindings: 3,
    });
  });

  it('counts from zero in the first record, and leaves the lag out while no shard is held', () => {
    const record = emfRecord({ ...before, shards: [] }, undefined, 'Shardwatch', 0);
    expect(record).toMatchObject({
      ShardsLeased: 0,
      Events: 102,
      Findings: 4,
      DeadLetters: 2,
      RejectedFindings: 1,
    });
    expect(record).not.toHaveProperty('MaxMillisBehindLatest');
    const [directive] = (record._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] })
      .CloudWatchMetrics;
    expect(directive?.Metrics.map((metric) => metric.Name)).not.toContain('MaxMillisBehindLatest');
  });
});

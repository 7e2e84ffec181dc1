import { TimestreamWriteClient } from '@aws-sdk/client-timestream-write';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Finding } from '../../../schemas/types.js';
import { CELL_ADDRESS, REGIONAL_ADDRESS, TimestreamServer } from '../../../test/aws/timestream-server.js';
import type { RetryPolicy } from '../retry.js';
import { TimestreamSink } from './timestream-sink.js';

const NOW = Date.UTC(2024, 4, 1, 12, 0, 0);
const FAST: RetryPolicy = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 4 };

function finding(n: number, overrides: Partial<Finding> = {}): Finding {
  return {
    id: `f${String(n).padStart(4, '0')}`,
    detection: 'cloudtrail.stop-logging',
    title: 'CloudTrail logging stopped',
    description: 'arn:aws:iam::111122223333:user/mallory stopped trail main',
    severity: 'high',
    tier: 'alert',
    riskScore: 75,
    time: NOW - 60_000 + n,
    window: null,
    account: '111122223333',
    region: 'us-east-1',
    principal: 'arn:aws:iam::111122223333:user/mallory',
    resources: [],
    mitre: ['T1562.008'],
    evidence: [`e${n}`],
    count: 1,
    runbook: 'https://runbooks.example/cloudtrail-stopped',
    remediation: 'Start logging again',
    dedupKey: '111122223333',
    context: {},
    ...overrides,
  };
}

function range(count: number, from = 0): Finding[] {
  return Array.from({ length: count }, (_, i) => finding(from + i));
}

describe('TimestreamSink against the loopback Timestream server', () => {
  let server: TimestreamServer;
  let sinks: TimestreamSink[];

  const sinkFor = (policy: RetryPolicy = FAST) => {
    const sink = new TimestreamSink({
      clientConfig: {
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIDLOOPBACK', secretAccessKey: 'loopback-secret' },
        // Not `endpoint`: a custom endpoint turns endpoint discovery off; an endpointProvider keeps it on.
        endpointProvider: () => ({ url: new URL(server.regionalUrl) }),
      },
      database: 'shardwatch',
      table: 'findings',
      retry: policy,
    });
    sinks.push(sink);
    return sink;
  };

  beforeEach(async () => {
    server = await TimestreamServer.start({ now: () => NOW, memoryStoreRetentionMs: 3_600_000 });
    sinks = [];
  });
  afterEach(async () => {
    for (const sink of sinks) await sink.close();
    await server.close();
  });

  it('writes one multi-measure record per finding, discovered endpoint, unknown for missing dimensions', async () => {
    const a = finding(1, { count: 3, riskScore: 80 });
    const b = finding(2, { account: null, region: null, severity: 'low', tier: 'log', riskScore: 30 });
    const outcome = await sinkFor().send([a, b]);

    expect(outcome).toEqual({ accepted: [a, b], rejected: [], retries: 0 });
    expect(server.requests.map((r) => [r.operation, r.address, r.status])).toEqual([
      ['DescribeEndpoints', REGIONAL_ADDRESS, 200],
      ['WriteRecords', CELL_ADDRESS, 200],
    ]);
    expect(server.rows()).toEqual([
      {
        database: 'shardwatch',
        table: 'findings',
        dimensions: {
          account: '111122223333',
          detection: 'cloudtrail.stop-logging',
          finding_id: 'f0001',
          region: 'us-east-1',
          severity: 'high',
          tier: 'alert',
        },
        measureName: 'finding',
        time: NOW - 59_999,
        version: 3,
        measures: {
          count: { value: '3', type: 'BIGINT' },
          risk_score: { value: '80', type: 'DOUBLE' },
          severity_level: { value: '3', type: 'BIGINT' },
        },
      },
      {
        database: 'shardwatch',
        table: 'findings',
        dimensions: {
          account: 'unknown',
          detection: 'cloudtrail.stop-logging',
          finding_id: 'f0002',
          region: 'unknown',
          severity: 'low',
          tier: 'log',
        },
        measureName: 'finding',
        time: NOW - 59_998,
        version: 1,
        measures: {
          count: { value: '1', type: 'BIGINT' },
          risk_score: { value: '30', type: 'DOUBLE' },
          severity_level: { value: '1', type: 'BIGINT' },
        },
      },
    ]);
  });

  it('sends at most 100 records per WriteRecords call', async () => {
    const findings = range(250);
    const outcome = await sinkFor().send(findings);

    expect(outcome.accepted).toHaveLength(250);
    expect(server.writeBatches).toEqual([100, 100, 50]);
    expect(server.rows()).toHaveLength(250);
  });

  it('is idempotent on resend and upserts a roll-up with a higher count', async () => {
    const sink = sinkFor();
    const findings = range(3);
    await sink.send(findings);
    const resent = await sink.send(findings);
    const rollUp = { ...finding(1), count: 4 };
    const upserted = await sink.send([rollUp]);
    // A late single finding of the same id after its roll-up: the stored version 4 already covers it.
    const stale = await sink.send([finding(1)]);

    expect(resent).toEqual({ accepted: findings, rejected: [], retries: 0 });
    expect(upserted).toEqual({ accepted: [rollUp], rejected: [], retries: 0 });
    expect(stale).toEqual({ accepted: [finding(1)], rejected: [], retries: 0 });
    expect(server.rows().map((r) => [r.dimensions.finding_id, r.version, r.measures.count?.value])).toEqual([
      ['f0000', 1, '1'],
      ['f0001', 4, '4'],
      ['f0002', 1, '1'],
    ]);
    expect(server.requests.map((r) => r.status)).toEqual([200, 200, 200, 200, 419]);
  });

  it('dead-letters records outside the memory store range with their reason, stores the rest', async () => {
    const old = finding(1, { time: NOW - 2 * 3_600_000 });
    const future = finding(2, { time: NOW + 3_600_000 });
    const fine = [finding(3), finding(4)];
    const outcome = await sinkFor().send([old, fine[0] as Finding, future, fine[1] as Finding]);

    const reason =
      'The record timestamp is outside the time range [2024-05-01T11:00:00.000Z, 2024-05-01T12:15:00.000Z) of the memory store.';
    expect(outcome).toEqual({
      accepted: fine,
      rejected: [
        { finding: old, sink: 'timestream', reason: 'record_too_old', detail: reason },
        { finding: future, sink: 'timestream', reason: 'record_in_future', detail: reason },
      ],
      retries: 0,
    });
    expect(server.rows().map((r) => r.dimensions.finding_id)).toEqual(['f0003', 'f0004']);
    expect(server.writeBatches).toEqual([4]);
  });

  it('accepts a version conflict as already stored when ExistingVersion is at least ours', async () => {
    const sink = sinkFor();
    await sink.send([{ ...finding(1), count: 2, riskScore: 90 }]);
    const lower = { ...finding(1), count: 2, riskScore: 10 };
    const outcome = await sink.send([lower]);

    // Same version, different value: the service reports ExistingVersion 2 ≥ ours, the row already stands.
    expect(outcome).toEqual({ accepted: [lower], rejected: [], retries: 0 });
    expect(server.rows().map((r) => r.measures.risk_score?.value)).toEqual(['90']);
  });

  it('retries throttling and server errors, then stores every record once', async () => {
    const sink = sinkFor();
    server.throttleNext(2);
    server.failNext(1);
    const outcome = await sink.send(range(5));

    expect(outcome.accepted).toHaveLength(5);
    expect(outcome.retries).toBe(3);
    expect(server.requests.slice(1).map((r) => r.status)).toEqual([429, 429, 500, 200]);
    expect(server.rows()).toHaveLength(5);
    expect(sink.health.healthy).toBe(true);
  });

  it('turns exhausted retries into retries_exhausted dead letters and reports the sink unhealthy', async () => {
    const sink = sinkFor({ maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 });
    server.throttleNext(3);
    const findings = range(2);
    const outcome = await sink.send(findings);

    expect(outcome.accepted).toEqual([]);
    expect(outcome.retries).toBe(2);
    expect(outcome.rejected.map((r) => [r.finding.id, r.reason, r.detail])).toEqual([
      ['f0000', 'retries_exhausted', 'gave up after 3 attempts: ThrottlingException: Rate exceeded'],
      ['f0001', 'retries_exhausted', 'gave up after 3 attempts: ThrottlingException: Rate exceeded'],
    ]);
    expect(sink.health.healthy).toBe(false);
    await sink.send(range(1, 10));
    expect(sink.health.healthy).toBe(true);
  });

  it('isolates a record that fails validation by halving the batch; the others are stored', async () => {
    const bad = finding(2, { detection: '' });
    const findings = [finding(0), finding(1), bad, finding(3)];
    const outcome = await sinkFor().send(findings);

    expect(outcome.accepted).toEqual([finding(0), finding(1), finding(3)]);
    expect(outcome.rejected).toEqual([
      {
        finding: bad,
        sink: 'timestream',
        reason: 'invalid_parameter',
        detail: 'ValidationException: Record 0: dimension names and values must be non-empty',
      },
    ]);
    expect(server.requests.slice(1).map((r) => [r.records, r.status])).toEqual([
      [4, 400],
      [2, 200],
      [2, 400],
      [1, 400],
      [1, 200],
    ]);
  });

  it('uses a given client as is and leaves it open on close', async () => {
    const client = new TimestreamWriteClient({
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: { accessKeyId: 'AKIDLOOPBACK', secretAccessKey: 'loopback-secret' },
      endpointProvider: () => ({ url: new URL(server.regionalUrl) }),
    });
    const sink = new TimestreamSink({ client, database: 'shardwatch', table: 'findings', name: 'ts-eu' });
    await sink.close();
    const outcome = await sink.send([finding(1, { time: NOW + 2 * 3_600_000 })]);

    expect(outcome.rejected.map((r) => [r.sink, r.reason])).toEqual([['ts-eu', 'record_in_future']]);
    client.destroy();
  });
});

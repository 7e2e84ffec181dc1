import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfluxDbServer } from '../../../test/influxdb/server.js';
import { testFinding } from '../../../test/influxdb/test-finding.js';
import type { RetryPolicy } from '../retry.js';
import { InfluxDbSink } from './influxdb-sink.js';

/** Fast backoff for tests: the behaviour under test is what is retried, not how long it waits. */
const QUICK: RetryPolicy = { maxAttempts: 100, baseDelayMs: 5, maxDelayMs: 20 };
const T0 = 1_700_000_000_000;

let influx: InfluxDbServer;
let databases = 0;

beforeAll(async () => {
  influx = await InfluxDbServer.start();
}, 60_000);

afterAll(async () => {
  await influx?.stop();
});

/** Every test writes into a database of its own. */
async function freshDatabase(options: { duration?: string } = {}): Promise<string> {
  databases += 1;
  const name = `findings_${databases}`;
  await influx.createDatabase(name, options);
  return name;
}

function sinkFor(database: string, retry: RetryPolicy = QUICK): InfluxDbSink {
  return new InfluxDbSink({ url: influx.url, apiVersion: 1, database, retry });
}

describe('InfluxDbSink against a real InfluxDB 1.6', () => {
  it('stores one point per finding with its tags and fields', async () => {
    const database = await freshDatabase();
    const findings = [
      testFinding({ id: 'a1', time: T0, count: 1, riskScore: 75 }),
      testFinding({
        id: 'b2',
        time: T0 + 1,
        detection: 'large-instance-burst',
        severity: 'medium',
        tier: 'notify',
        riskScore: 50,
        count: 7,
        account: '444455556666',
        region: 'eu-west-1',
        title: 'Burst of "large" instances\nin one account',
      }),
      testFinding({ id: 'c3', time: T0, account: null, region: null }),
    ];

    const outcome = await sinkFor(database).send(findings);

    expect(outcome).toEqual({ accepted: findings, rejected: [], retries: 0 });
    const rows = await influx.select(database, 'SELECT * FROM finding');
    expect(rows.sort((a, b) => String(a.finding_id).localeCompare(String(b.finding_id)))).toEqual([
      {
        time: T0,
        account: '111122223333',
        region: 'us-east-1',
        detection: 'root-console-login',
        severity: 'high',
        tier: 'alert',
        finding_id: 'a1',
        count: 1,
        risk_score: 75,
        title: 'Root user signed in to the console',
      },
      {
        time: T0 + 1,
        account: '444455556666',
        region: 'eu-west-1',
        detection: 'large-instance-burst',
        severity: 'medium',
        tier: 'notify',
        finding_id: 'b2',
        count: 7,
        risk_score: 50,
        title: 'Burst of "large" instances\nin one account',
      },
      {
        time: T0,
        account: null,
        region: null,
        detection: 'root-console-login',
        severity: 'high',
        tier: 'alert',
        finding_id: 'c3',
        count: 1,
        risk_score: 75,
        title: 'Root user signed in to the console',
      },
    ]);
  });

  it('writes a full batch of 5000 in one request, and a resend overwrites instead of duplicating', async () => {
    const database = await freshDatabase();
    const sink = sinkFor(database);
    const findings = Array.from({ length: sink.maxBatch }, (_, i) =>
      testFinding({ id: `f${i}`, time: T0 + i }),
    );

    const first = await sink.send(findings);
    const again = await sink.send(findings);

    expect([first.accepted.length, first.rejected.length, first.retries]).toEqual([5000, 0, 0]);
    expect([again.accepted.length, again.rejected.length, again.retries]).toEqual([5000, 0, 0]);
    expect(await influx.select(database, 'SELECT COUNT(risk_score) FROM finding')).toEqual([
      { time: 0, count: 5000 },
    ]);
  });

  it('retries through an outage and stores the batch once the server is back', async () => {
    const database = await freshDatabase();
    const sink = sinkFor(database);
    const findings = [testFinding({ id: 'o1', time: T0 }), testFinding({ id: 'o2', time: T0 + 1 })];
    await influx.pause();

    const sending = sink.send(findings);
    while (sink.health.healthy) await new Promise((resolve) => setTimeout(resolve, 5));
    await influx.resume();
    const outcome = await sending;

    expect(outcome.accepted).toEqual(findings);
    expect(outcome.rejected).toEqual([]);
    expect(outcome.retries).toBeGreaterThanOrEqual(3);
    expect(sink.health.healthy).toBe(true);
    expect(await influx.select(database, 'SELECT finding_id, count FROM finding')).toEqual([
      { time: T0, finding_id: 'o1', count: 1 },
      { time: T0 + 1, finding_id: 'o2', count: 1 },
    ]);
  });

  it('rejects the batch as retries_exhausted when the outage outlasts the policy', async () => {
    const database = await freshDatabase();
    const sink = sinkFor(database, { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 });
    const finding = testFinding({ id: 'x1', time: T0 });
    await influx.pause();
    try {
      const outcome = await sink.send([finding]);

      expect(outcome.accepted).toEqual([]);
      expect(outcome.retries).toBe(2);
      expect(outcome.rejected).toEqual([
        {
          finding,
          sink: 'influxdb',
          reason: 'retries_exhausted',
          detail: expect.stringMatching(
            /^gave up after 3 attempts: InfluxTransportError: InfluxDB unreachable/,
          ),
        },
      ]);
      expect(sink.health.healthy).toBe(false);
    } finally {
      await influx.resume();
    }
  });

  it('finds the points a partial write refused by halving the batch, and accepts the rest', async () => {
    const database = await freshDatabase();
    // `count` is a string in the shard of 2001 (shards are per week): a finding of 2001 conflicts there.
    const old = Date.UTC(2001, 0, 1);
    await influx.writeLines(database, [`finding,finding_id=seed count="many" ${old}`]);
    const findings = [
      testFinding({ id: 'p1', time: T0 }),
      testFinding({ id: 'p2', time: T0 + 1 }),
      testFinding({ id: 'p3', time: old + 1 }),
      testFinding({ id: 'p4', time: T0 + 2 }),
      testFinding({ id: 'p5', time: T0 + 3 }),
    ];

    const outcome = await sinkFor(database).send(findings);

    expect(outcome.accepted.map((f) => f.id)).toEqual(['p1', 'p2', 'p4', 'p5']);
    expect(outcome.rejected).toEqual([
      {
        finding: findings[2],
        sink: 'influxdb',
        reason: 'invalid_point',
        detail:
          'InfluxDB write failed with HTTP 400: partial write: field type conflict: input field "count" on ' +
          'measurement "finding" is type integer, already exists as type string dropped=1',
      },
    ]);
    // 5 → [p1 p2 p3] fails, [p4 p5] ok → [p1 p2] ok, [p3] fails: 5 requests.
    expect(outcome.retries).toBe(4);
    expect(
      await influx.select(database, `SELECT finding_id, risk_score FROM finding WHERE time > ${old}ms`),
    ).toEqual([
      { time: T0, finding_id: 'p1', risk_score: 75 },
      { time: T0 + 1, finding_id: 'p2', risk_score: 75 },
      { time: T0 + 2, finding_id: 'p4', risk_score: 75 },
      { time: T0 + 3, finding_id: 'p5', risk_score: 75 },
    ]);
  });

  it('rejects a finding older than the retention policy as record_too_old', async () => {
    const database = await freshDatabase({ duration: '1h' });
    // A retention window is relative to the server's clock, so this test's fresh finding must be too.
    const recent = Date.now();
    const findings = [testFinding({ id: 'r1', time: recent }), testFinding({ id: 'r2', time: T0 })];

    const outcome = await sinkFor(database).send(findings);

    expect(outcome.accepted).toEqual([findings[0]]);
    expect(outcome.rejected).toEqual([
      {
        finding: findings[1],
        sink: 'influxdb',
        reason: 'record_too_old',
        detail:
          'InfluxDB write failed with HTTP 400: partial write: points beyond retention policy dropped=1',
      },
    ]);
    expect(await influx.select(database, 'SELECT finding_id, count FROM finding')).toEqual([
      { time: recent, finding_id: 'r1', count: 1 },
    ]);
  });

  it('rejects every finding at once when the database does not exist, without retries', async () => {
    const findings = [testFinding({ id: 'n1', time: T0 }), testFinding({ id: 'n2', time: T0 + 1 })];

    const outcome = await sinkFor('no_such_db').send(findings);

    const detail = 'InfluxDB write failed with HTTP 404: database not found: "no_such_db"';
    expect(outcome).toEqual({
      accepted: [],
      rejected: findings.map((finding) => ({ finding, sink: 'influxdb', reason: 'not_found', detail })),
      retries: 0,
    });
  });

  it('rejects a finding that has no line protocol form before sending, and writes the others', async () => {
    const database = await freshDatabase();
    const findings = [
      testFinding({ id: 'i1', time: T0, riskScore: Number.NaN }),
      testFinding({ id: 'i2', time: T0 }),
    ];

    const outcome = await sinkFor(database).send(findings);

    expect(outcome).toEqual({
      accepted: [findings[1]],
      rejected: [
        {
          finding: findings[0],
          sink: 'influxdb',
          reason: 'invalid_point',
          detail: "invalid integer value for field 'risk_score': 'NaN'!",
        },
      ],
      retries: 0,
    });
    expect(await influx.select(database, 'SELECT finding_id, count FROM finding')).toEqual([
      { time: T0, finding_id: 'i2', count: 1 },
    ]);
  });
});

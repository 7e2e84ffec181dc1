import { GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-kinesis';
import { EMPTY } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { Detection, Route } from '../../../detections/api.js';
import type { Finding, SecurityEvent } from '../../../schemas/types.js';
import { waitFor } from '../../../test/consumer/harness.js';
import { testEvent } from '../../../test/events.js';
import { createStream } from '../../../test/kinesis/local.js';
import { useProxiedKinesis } from '../../../test/kinesis/proxy.js';
import { RetriesExhaustedError } from '../../sinks/retry.js';
import { HEARTBEAT_PARTITION_KEY, KeyedPublisher, type KeyedPublisherOptions } from './keyed-publisher.js';
import { decodeKeyedRecord, encodeKeyedRecord } from './keyed-record.js';
import { KeyedRoutes } from './keyed-routes.js';
import { PUT_RECORDS_MAX_ENTRIES } from './put-records.js';

const ACCOUNT = '111122223333';
const IP = '203.0.113.7';
const LOGIN: Route[] = [{ source: 'cloudtrail', actions: ['signin:ConsoleLogin'] }];

function stateful(id: string, partitionKey?: (event: SecurityEvent) => string): Detection {
  return {
    id,
    title: id,
    description: 'test only',
    severity: 'low',
    mitre: [],
    runbook: 'https://example.com/test',
    remediation: 'None: test only.',
    routes: LOGIN,
    stateful: partitionKey ? { partitionKey } : {},
    operator: () => () => EMPTY,
  };
}

/** ConsoleLogin: keyed by account and by source IP (two copies); CreateTags: state cache only (account). */
const routes = new KeyedRoutes([stateful('by-account'), stateful('by-ip', (e) => e.srcIp ?? '')]);

/** A single-event detection with a dedup period: its findings are rolled up on the detect side. */
const rootUsage: Detection = { ...stateful('root-usage'), dedupPeriodMs: 3_600_000 };
delete (rootUsage as { stateful?: unknown }).stateful;

const finding = (id: string, dedupKey: string): Finding => ({
  id,
  detection: 'root-usage',
  title: id,
  description: '',
  severity: 'high',
  tier: 'alert',
  riskScore: 75,
  time: 1_000,
  window: null,
  account: ACCOUNT,
  region: null,
  principal: null,
  resources: [],
  mitre: [],
  evidence: [`e-${id}`],
  count: 1,
  runbook: 'https://example.com',
  remediation: 'r',
  dedupKey,
  context: {},
});

/** Where the events came from: the publisher only carries it. */
const ORIGIN = 'shardId-000000000000:4960:0';

const login = (id: string, time: number) =>
  testEvent({ id, time, action: 'signin:ConsoleLogin', srcIp: IP, errorCode: 'Failed authentication' });
const tags = (id: string, time: number) => testEvent({ id, time, action: 'ec2:CreateTags' });

const env = useProxiedKinesis('keyed');

/**
 * `key id` of every record on a shard of the stream, in sequence order (`key id @watermark` with `watermarks`):
 * the event's id, `finding:<id>` for a finding, `-` for a heartbeat.
 */
async function readBack(stream: string, o: { watermarks?: boolean; shard?: string } = {}): Promise<string[]> {
  let { ShardIterator } = await env.client.send(
    new GetShardIteratorCommand({
      StreamName: stream,
      ShardId: o.shard ?? 'shardId-000000000000',
      ShardIteratorType: 'TRIM_HORIZON',
    }),
  );
  const records: string[] = [];
  for (;;) {
    const out = await env.client.send(new GetRecordsCommand({ ShardIterator }));
    const batch = out.Records ?? [];
    for (const r of batch) {
      const keyed = decodeKeyedRecord(Buffer.from(r.Data ?? new Uint8Array()));
      const what = keyed.event ? keyed.event.id : keyed.finding ? `finding:${keyed.finding.id}` : '-';
      records.push(`${r.PartitionKey} ${what}${o.watermarks ? ` @${keyed.watermark}` : ''}`);
    }
    if (batch.length === 0 || !out.NextShardIterator) return records;
    ShardIterator = out.NextShardIterator;
  }
}

function publisher(stream: string, o: Partial<KeyedPublisherOptions> = {}): KeyedPublisher {
  return new KeyedPublisher({
    kinesis: env.client,
    streamName: stream,
    routes,
    relayed: [rootUsage],
    lingerMs: 5,
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
    sleep: async () => {},
    ...o,
  });
}

/** An onAcked per event id that counts its calls. */
function ackCounter(): { acked: Map<string, number>; onAcked: (id: string) => () => void } {
  const acked = new Map<string, number>();
  return { acked, onAcked: (id) => () => acked.set(id, (acked.get(id) ?? 0) + 1) };
}

describe('KeyedPublisher against kinesis-local', () => {
  it('wants what the routes want, relays the findings of the relayed detections', () => {
    const p = publisher('unused');
    expect(p.wants('cloudtrail', 'signin:ConsoleLogin')).toBe(true);
    expect(p.wants('cloudtrail', 'ec2:CreateTags')).toBe(true);
    expect(p.wants('cloudtrail', 'iam:CreateUser')).toBe(false);
    expect(p.relays('root-usage')).toBe(true);
    expect(p.relays('by-account')).toBe(false);
  });

  it('puts each event at once under each of its keys, carrying the watermark promised when it was published', async () => {
    const stream = await env.newStream();
    const p = publisher(stream);
    const { acked, onAcked } = ackCounter();
    // Any order: the records carry the watermark, the detect side needs no order.
    p.publish(login('b', 3_000), onAcked('b'), ORIGIN);
    p.publish(tags('z', 1_000), onAcked('z'), ORIGIN);
    p.advanceWatermark(1_500);
    p.advanceWatermark(1_200); // an older promise changes nothing
    p.advanceWatermark(Number.NEGATIVE_INFINITY); // a source shard not checkpointed yet promises nothing
    p.publish(login('a', 2_000), onAcked('a'), ORIGIN);
    await p.flush();
    expect(p.promised).toBe(1_500);
    expect(await readBack(stream, { watermarks: true })).toEqual([
      `${ACCOUNT} b @null`,
      `${IP} b @null`,
      `${ACCOUNT} z @null`,
      `${ACCOUNT} a @1500`,
      `${IP} a @1500`,
      `${HEARTBEAT_PARTITION_KEY} - @1500`, // after listing the keyed shards
    ]);
    expect([...acked.entries()].sort()).toEqual([
      ['a', 1],
      ['b', 1],
      ['z', 1],
    ]);
    expect(p.published).toBe(6);
  });

  it('puts a relayed finding under its detection and dedup key, the same whichever worker found it', async () => {
    const stream = await env.newStream();
    const [first, second] = [publisher(stream), publisher(stream)];
    const { acked, onAcked } = ackCounter();
    first.publishFinding(finding('f1', ACCOUNT), onAcked('f1'), 'shardId-000000000000:1:f1');
    second.publishFinding(finding('f2', ACCOUNT), onAcked('f2'), 'shardId-000000000001:1:f2');
    await Promise.all([first.flush(), second.flush()]);
    expect((await readBack(stream)).sort()).toEqual([
      `root-usage/${ACCOUNT} finding:f1`,
      `root-usage/${ACCOUNT} finding:f2`,
    ]);
    expect([...acked.keys()].sort()).toEqual(['f1', 'f2']);
  });

  it('tells every open keyed shard when the watermark moves', async () => {
    const stream = `${await env.newStream()}-two`;
    await createStream(env.client, stream, 2);
    const p = publisher(stream);
    p.advanceWatermark(7_000);
    await p.flush();
    for (const shard of ['shardId-000000000000', 'shardId-000000000001']) {
      expect(await readBack(stream, { watermarks: true, shard })).toEqual([
        `${HEARTBEAT_PARTITION_KEY} - @7000`,
      ]);
    }
  });

  it('flush() puts everything queued, and resolves once it is on the stream', async () => {
    const stream = await env.newStream();
    const p = publisher(stream, { lingerMs: 60_000 });
    const { acked, onAcked } = ackCounter();
    /** `published` when each event was acked: every copy of it is already counted. */
    const publishedAtAck: string[] = [];
    for (const event of [login('b', 2_000), tags('a', 2_000), login('c', 1_000)]) {
      p.publish(
        event,
        () => {
          publishedAtAck.push(`${event.id} ${p.published}`);
          onAcked(event.id)();
        },
        ORIGIN,
      );
    }
    expect(p.pending).toBe(5);
    await p.flush();
    expect(publishedAtAck).toEqual(['b 2', 'a 3', 'c 5']);
    expect(p.pending).toBe(0);
    expect(p.published).toBe(5);
    expect(await readBack(stream)).toEqual([
      `${ACCOUNT} b`,
      `${IP} b`,
      `${ACCOUNT} a`,
      `${ACCOUNT} c`,
      `${IP} c`,
    ]);
    expect([...acked.entries()].sort()).toEqual([
      ['a', 1],
      ['b', 1],
      ['c', 1],
    ]);
  });

  it('acks an event wanted under two keys once, only after both copies are on the stream', async () => {
    const stream = await env.newStream();
    // A long linger: the second batch (the last copy) goes only on flush().
    const p = publisher(stream, { lingerMs: 60_000 });
    const { acked, onAcked } = ackCounter();
    // 499 single-copy events, then one with two copies: its first copy ends batch 1, its second starts batch 2.
    for (let i = 0; i < PUT_RECORDS_MAX_ENTRIES - 1; i += 1) {
      const id = `t${String(i).padStart(3, '0')}`;
      p.publish(tags(id, 1_000), onAcked(id), ORIGIN);
    }
    p.publish(login('u', 2_000), onAcked('u'), ORIGIN);
    await waitFor('the first batch put', () => p.published === PUT_RECORDS_MAX_ENTRIES);
    expect(p.pending).toBe(1);
    const first = await readBack(stream);
    expect(first).toHaveLength(PUT_RECORDS_MAX_ENTRIES);
    expect(first.at(-1)).toBe(`${ACCOUNT} u`);
    expect(acked.get('u')).toBeUndefined();
    expect(acked.size).toBe(PUT_RECORDS_MAX_ENTRIES - 1);

    await p.flush();
    expect(p.published).toBe(PUT_RECORDS_MAX_ENTRIES + 1);
    expect((await readBack(stream)).slice(PUT_RECORDS_MAX_ENTRIES)).toEqual([`${IP} u`]);
    expect(acked.get('u')).toBe(1);
    expect([...acked.values()].every((count) => count === 1)).toBe(true);
  });

  it('reports an event over 1 MiB encoded through onError and acks it without putting it', async () => {
    const stream = await env.newStream();
    const errors: unknown[] = [];
    const p = publisher(stream, { onError: (error) => errors.push(error) });
    const { acked, onAcked } = ackCounter();
    const huge = { ...tags('huge', 1_000), raw: { blob: 'x'.repeat(1024 * 1024) } };
    const bytes =
      encodeKeyedRecord({ watermark: null, origin: ORIGIN, event: huge, finding: null }).length +
      ACCOUNT.length;
    p.publish(huge, onAcked('huge'), ORIGIN);
    p.publish(tags('small', 1_000), onAcked('small'), ORIGIN);
    await p.flush();
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe(
      `event huge is ${bytes} bytes encoded, over the 1-MiB record limit`,
    );
    expect(acked.get('huge')).toBe(1);
    expect(acked.get('small')).toBe(1);
    expect(p.published).toBe(1);
    expect(await readBack(stream)).toEqual([`${ACCOUNT} small`]);
  });

  it('reports a batch whose retries ran out, pauses, and tries it again without losing or repeating it', async () => {
    const stream = await env.newStream();
    const errors: unknown[] = [];
    const sleeps: number[] = [];
    const p = publisher(stream, {
      kinesis: env.proxied,
      pauseMs: 12_345,
      onError: (error) => errors.push(error),
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    const { acked, onAcked } = ackCounter();
    const before = env.proxy.requests.length;
    // Three attempts (the policy) throttled, then one more after the pause; the fifth call gets through.
    env.proxy.throttleNext(4, 'PutRecords');
    p.publish(login('a', 1_000), onAcked('a'), ORIGIN);
    p.publish(tags('b', 1_000), onAcked('b'), ORIGIN);
    await p.flush();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(RetriesExhaustedError);
    expect((errors[0] as RetriesExhaustedError).attempts).toBe(3);
    expect(sleeps).toHaveLength(4);
    expect(sleeps[2]).toBe(12_345);
    const puts = env.proxy.requests.slice(before).filter((r) => r.operation === 'PutRecords');
    expect(puts.map((r) => r.injected)).toEqual([
      ...Array(4).fill('ProvisionedThroughputExceededException'),
      null,
    ]);
    expect(p.published).toBe(3);
    expect(await readBack(stream)).toEqual([`${ACCOUNT} a`, `${IP} a`, `${ACCOUNT} b`]);
    expect([...acked.entries()].sort()).toEqual([
      ['a', 1],
      ['b', 1],
    ]);
  });

  it('keeps ready() pending while a throttled batch waits, and resolves it once the batch got through', async () => {
    const stream = await env.newStream();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let sleeps = 0;
    const p = publisher(stream, {
      kinesis: env.proxied,
      maxPending: 2,
      sleep: () => {
        sleeps += 1;
        return gate;
      },
    });
    const before = env.proxy.requests.length;
    env.proxy.throttleNext(1, 'PutRecords');
    for (const id of ['a', 'b', 'c']) p.publish(tags(id, 1_000), () => {}, ORIGIN);
    let ready = false;
    let publishedWhenReady = -1;
    void p.ready().then(() => {
      ready = true;
      publishedWhenReady = p.published;
    });
    await waitFor('the throttled PutRecords', () => sleeps === 1);
    const puts = () => env.proxy.requests.slice(before).filter((r) => r.operation === 'PutRecords');
    expect(puts().map((r) => r.injected)).toEqual(['ProvisionedThroughputExceededException']);
    expect(ready).toBe(false);
    expect(p.published).toBe(0);
    expect(p.pending).toBe(3);

    release();
    await waitFor('ready() resolved', () => ready);
    expect(publishedWhenReady).toBe(3);
    expect(puts().map((r) => r.injected)).toEqual(['ProvisionedThroughputExceededException', null]);
    expect(await readBack(stream)).toEqual([`${ACCOUNT} a`, `${ACCOUNT} b`, `${ACCOUNT} c`]);
    await p.flush();
  });
});

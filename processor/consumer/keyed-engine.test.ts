import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildFinding } from '../../detections/finding.js';
import type { Finding, JsonObject, SecurityEvent } from '../../schemas/types.js';
import { runInstancesRecord } from '../../test/cloudtrail.js';
import { DEFAULT_CONFIG } from '../cli/config.js';
import { enabledDetections } from '../cli/detections.js';
import { decodeRecord } from '../decode/index.js';
import { PipelineCounters } from '../pipeline/counters.js';
import { decodeEngineSnapshot, type EngineSnapshot, encodeEngineSnapshot } from './engine-snapshot.js';
import { type EnginePosition, KeyedEngine, type KeyedEngineOptions } from './keyed-engine.js';
import type { KeyedRecord } from './roles/keyed-record.js';

const ACCOUNT = '111122223333';
const T0 = Date.UTC(2026, 10, 24, 8);
const MINUTE = 60_000;
const LATENESS = 5 * MINUTE;
const SHARD = 'shardId-000000000001';

const { detections, params } = enabledDetections(DEFAULT_CONFIG);
const stateful = detections.filter((d) => d.stateful);
const rootUsage = detections.find((d) => d.id === 'iam-root-account-usage');
if (!rootUsage) throw new Error('iam-root-account-usage missing from the catalog');

/** One keyed-stream record: its sequence number, partition key and content. */
interface Keyed {
  sequence: bigint;
  key: string;
  record: KeyedRecord;
}

function decoded(json: JsonObject): SecurityEvent {
  const [event] = decodeRecord(Buffer.from(JSON.stringify(json)), { input: 'test', offset: '0' }).events;
  if (!event) throw new Error('undecodable test record');
  return event;
}

/** The IAM calls that make instance profile web-admin an admin profile (the admin-profile detection's fixture). */
function adminProfileSetup(): JsonObject[] {
  const fixtures = JSON.parse(
    readFileSync(
      new URL(
        '../../detections/catalog/cloudtrail/ec2-instance-admin-profile/fixtures.json',
        import.meta.url,
      ),
      'utf8',
    ),
  ) as { cases: { events: JsonObject[] }[] };
  const [setup] = fixtures.cases;
  return (setup?.events ?? []).filter((event) => event.eventName !== 'RunInstances');
}

function launchWithProfile(time: number, sequence: number): JsonObject {
  const record = runInstancesRecord(ACCOUNT, time, 't3.micro', sequence);
  const request = record.requestParameters as JsonObject;
  request.iamInstanceProfile = { name: 'web-admin' };
  return record;
}

/**
 * 2 h 30 of one account's keyed shard as ingest would publish it: the admin-profile IAM setup at 08:00, a
 * CreateUser-free trickle of small launches, bursts of large launches (some straddling the checkpoints), launches
 * with the admin profile hours after the setup, root-usage findings to roll up, re-published copies, and each
 * record carrying a watermark a few minutes behind (ingest's promise) with events up to 4 min out of order.
 */
function stream(o: { republish: boolean }): Keyed[] {
  const records: Keyed[] = [];
  let sequence = 1000n;
  let maxTime = Number.NEGATIVE_INFINITY;
  const put = (
    key: string,
    content: Pick<KeyedRecord, 'event' | 'finding'>,
    time: number,
    origin?: string,
  ) => {
    maxTime = Math.max(maxTime, time);
    sequence += 1n;
    const stale = Number(sequence % 3n) * MINUTE; // promises from producers with staler views
    const record = {
      watermark: maxTime - LATENESS - stale,
      origin: origin ?? `source:${sequence}`,
      ...content,
    };
    records.push({ sequence, key, record });
  };
  for (const [index, json] of adminProfileSetup().entries()) {
    put(ACCOUNT, { event: decoded(json), finding: null }, T0 + index * 1000);
  }
  let id = 0;
  for (let minute = 1; minute < 150; minute += 1) {
    const base = T0 + minute * MINUTE;
    id += 1;
    const jitter = ((id * 7919) % 4) * MINUTE; // up to 4 min out of order
    put(
      ACCOUNT,
      { event: decoded(runInstancesRecord(ACCOUNT, base - jitter, 't3.micro', id)), finding: null },
      base - jitter,
    );
    if (minute % 17 === 3) {
      // A burst: 7 large launches 20 s apart (one 5-minute window, sometimes two); every other one 12, so that
      // a window a checkpoint cuts in two still holds enough launches after the cut for a finding.
      for (let i = 0; i < (minute % 34 === 3 ? 7 : 12); i += 1) {
        id += 1;
        const time = base + i * 20_000;
        put(
          ACCOUNT,
          { event: decoded(runInstancesRecord(ACCOUNT, time, 'p4d.24xlarge', id)), finding: null },
          time,
        );
      }
    }
    if (minute % 29 === 11) {
      id += 1;
      put(ACCOUNT, { event: decoded(launchWithProfile(base, id)), finding: null }, base);
    }
    if (minute % 9 === 4) {
      id += 1;
      const trigger = decoded(runInstancesRecord(ACCOUNT, base, 't3.micro', 100_000 + id));
      const finding = buildFinding(rootUsage as NonNullable<typeof rootUsage>, {
        key: ACCOUNT,
        trigger,
        title: 'root used',
        description: '',
      });
      put(`iam-root-account-usage/${ACCOUNT}`, { event: null, finding }, base);
    }
    if (minute === 100) {
      // A launch 40 minutes behind: late (kept out of windows, counted) wherever it is read.
      id += 1;
      const time = base - 40 * MINUTE;
      put(
        ACCOUNT,
        { event: decoded(runInstancesRecord(ACCOUNT, time, 'p4d.24xlarge', id)), finding: null },
        time,
      );
    }
    if (o.republish && minute % 13 === 6 && records.length > 20) {
      // ingest re-published an earlier record (a retried PutRecords, a source shard replayed after takeover)
      const copy = records[records.length - 12] as Keyed;
      if (copy.record.event) {
        const { event, origin } = copy.record;
        put(copy.key, { event, finding: null }, event.time, origin ?? undefined);
      }
    }
  }
  // A heartbeat far ahead: every window and dedup bucket closes.
  sequence += 1n;
  records.push({
    sequence,
    key: 'watermark',
    record: { watermark: T0 + 10 * 60 * MINUTE, origin: null, event: null, finding: null },
  });
  return records;
}

/** Findings as a sink sees them, with the acks the engine waits for released a few records late. */
class Sink {
  readonly seen: Finding[] = [];
  private waiting: { at: number; release: () => void }[] = [];
  private records = 0;
  submit = (finding: Finding, onAcked: () => void) => {
    this.seen.push(finding);
    this.waiting.push({ at: this.records, release: onAcked });
  };
  /** One more record processed: acks what was submitted `lag` records ago or earlier. */
  tick(lag: number): void {
    this.records += 1;
    const due = this.waiting.filter(({ at }) => at <= this.records - lag);
    this.waiting = this.waiting.filter(({ at }) => at > this.records - lag);
    for (const { release } of due) release();
  }
  ack(): void {
    for (const { release } of this.waiting.splice(0)) release();
  }
}

function engine(sink: Sink, counters: PipelineCounters, extra: Partial<KeyedEngineOptions> = {}) {
  return new KeyedEngine({
    shardId: SHARD,
    detections: stateful,
    relayed: [rootUsage as NonNullable<typeof rootUsage>],
    params,
    state: DEFAULT_CONFIG.state,
    horizonMs: 60 * MINUTE,
    counters,
    submit: sink.submit,
    ...extra,
  });
}

/**
 * Feeds records [from, to) as a shard processor would, checkpointing every `every` records; the engine is told it
 * caught up once it reaches `caughtUpAt` (past what a previous owner read).
 */
function feed(
  target: KeyedEngine,
  records: readonly Keyed[],
  from: number,
  to: number,
  sink: Sink,
  o: { onCheckpoint?: (snapshot: EngineSnapshot) => void; caughtUpAt?: number; every?: number } = {},
): void {
  const every = o.every ?? 10;
  for (let index = from; index < to; index += 1) {
    if (index === (o.caughtUpAt ?? from)) target.caughtUp();
    const { sequence, key, record } = records[index] as Keyed;
    const content = target.decoder.accept(record, key, target.decodeOptions);
    target.positions.begin(
      sequence.toString(),
      content.events.map((event) => event.time),
    );
    target.push(content, { shard: SHARD, sequence });
    target.positions.end();
    sink.tick(3); // acks arrive three records later
    if (index % every === every - 1) {
      const next = target.positions.checkpointable();
      if (next) {
        const position: EnginePosition = {
          replayFrom: next.sequence,
          maxTime: next.maxTime,
          watermark: next.watermark,
          limit: next.limit,
        };
        // Through the bytes, as the snapshot table would hand it over.
        o.onCheckpoint?.(decodeEngineSnapshot(encodeEngineSnapshot(target.snapshotAt(position))));
        target.checkpointWritten(position);
      }
    }
  }
}

const lastCounts = (findings: readonly Finding[]) => {
  const counts = new Map<string, number>();
  for (const finding of findings) counts.set(finding.id, finding.count);
  return new Map([...counts].sort(([a], [b]) => (a < b ? -1 : 1)));
};

/** The findings (last count per id) and late events of one engine that reads the whole stream. */
function uninterrupted(records: readonly Keyed[]): { findings: Finding[]; lateAt: number[] } {
  const sink = new Sink();
  const counters = new PipelineCounters();
  const whole = engine(sink, counters);
  const lateAt: number[] = [];
  for (let index = 0; index < records.length; index += 1) {
    const before = counters.late;
    feed(whole, records, index, index + 1, sink, { caughtUpAt: 0 });
    if (counters.late > before) lateAt.push(index);
  }
  sink.ack();
  return { findings: sink.seen, lateAt };
}

/**
 * Kills an engine after `killAt` records (its unacked findings count as seen: they may have reached the sink),
 * rebuilds it from its last snapshot and replays; returns what the sink saw and the late events of both.
 */
function killAndTakeOver(records: readonly Keyed[], killAt: number) {
  const sink = new Sink();
  const counters = new PipelineCounters();
  const owner = engine(sink, counters);
  let saved: EngineSnapshot | undefined;
  feed(owner, records, 0, killAt, sink, {
    onCheckpoint: (snapshot) => {
      saved = snapshot;
    },
  });
  owner.dispose();
  const replayFrom = saved?.replayFrom ?? null;
  const start = replayFrom === null ? 0 : records.findIndex((r) => r.sequence === BigInt(replayFrom)) + 1;
  const takerCounters = new PipelineCounters();
  const taker = engine(sink, takerCounters, saved ? { origins: [{ snapshot: saved, range: null }] } : {});
  feed(taker, records, start, records.length, sink, { caughtUpAt: killAt });
  sink.ack();
  return { seen: sink.seen, late: takerCounters.late, start };
}

/** Differences from the uninterrupted engine's last counts, and any count that went down. */
function problemsOf(seen: readonly Finding[], reference: readonly Finding[], context: string): string[] {
  const problems: string[] = [];
  const counts = JSON.stringify([...lastCounts(seen)]);
  if (counts !== JSON.stringify([...lastCounts(reference)])) problems.push(`${context}: ${counts}`);
  const highest = new Map<string, number>();
  for (const { id, count, detection } of seen) {
    if (count < (highest.get(id) ?? 0)) problems.push(`${context}: ${detection} ${id} down to ${count}`);
    highest.set(id, Math.max(count, highest.get(id) ?? 0));
  }
  return problems;
}

describe('KeyedEngine', () => {
  const records = stream({ republish: false });
  const reference = uninterrupted(records);

  it('the stream exercises bursts, roll-ups, the admin profile learned hours earlier, and late events', () => {
    const last = [...lastCounts(reference.findings)]
      .map(([id, count]) => `${reference.findings.find((f) => f.id === id)?.detection} ${count}`)
      .sort();
    expect(last).toEqual([
      'ec2-instance-admin-profile 1',
      'ec2-instance-admin-profile 1',
      'ec2-instance-admin-profile 1',
      'ec2-instance-admin-profile 1',
      'ec2-instance-admin-profile 1',
      'ec2-large-instance-burst 12',
      'ec2-large-instance-burst 6',
      'ec2-large-instance-burst 6',
      'ec2-large-instance-burst 6',
      'ec2-large-instance-burst 7',
      'ec2-large-instance-burst 7',
      'ec2-large-instance-burst 7',
      'ec2-large-instance-burst 9',
      'ec2-large-instance-burst 9',
      'iam-root-account-usage 4',
      'iam-root-account-usage 6',
      'iam-root-account-usage 7',
    ]);
    // The launch 40 minutes behind, and a trickle launch that a 12-launch burst overtook by more than 5 min.
    expect(reference.lateAt).toHaveLength(2);
  });

  it('killed anywhere and rebuilt from its last snapshot, it ends with the same findings, never lowers a count, counts late only what is late', () => {
    const problems: string[] = [];
    let restored = 0;
    for (let killAt = 40; killAt < records.length; killAt += 11) {
      const { seen, late, start } = killAndTakeOver(records, killAt);
      if (start > 0) restored += 1;
      problems.push(...problemsOf(seen, reference.findings, `killed at ${killAt}`));
      const replayedLate = reference.lateAt.filter((index) => index >= start).length;
      if (late !== replayedLate) problems.push(`killed at ${killAt}: ${late} late, not ${replayedLate}`);
    }
    expect(problems).toEqual([]);
    expect(restored).toBeGreaterThan(10); // most takers started from a snapshot, not from the shard's start
  });

  it('re-published copies are counted once, also when the original lies before the checkpoint', () => {
    const copied = stream({ republish: true });
    const withCopies = uninterrupted(copied);
    expect(JSON.stringify([...lastCounts(withCopies.findings)])).toBe(
      JSON.stringify([...lastCounts(reference.findings)]),
    );
    const problems: string[] = [];
    for (let killAt = 40; killAt < copied.length; killAt += 11) {
      const { seen } = killAndTakeOver(copied, killAt);
      problems.push(...problemsOf(seen, reference.findings, `killed at ${killAt}`));
    }
    expect(problems).toEqual([]);
  });

  it('a taker starts at the watermark the owner had at the checkpoint: what was late there is late for it', () => {
    const at = (minute: number) => T0 + minute * MINUTE;
    const launch = (minute: number, id: number) =>
      decoded(runInstancesRecord(ACCOUNT, at(minute), 'p4d.24xlarge', id));
    const tiny: Keyed[] = [
      {
        sequence: 1n,
        key: ACCOUNT,
        record: { watermark: at(0), origin: 'o1', event: launch(0, 1), finding: null },
      },
      {
        sequence: 2n,
        key: 'watermark',
        record: { watermark: at(30), origin: null, event: null, finding: null },
      },
      // A producer with a stale view promised only 10 minutes; the launch at 20 minutes is behind 30 already.
      {
        sequence: 3n,
        key: ACCOUNT,
        record: { watermark: at(10), origin: 'o3', event: launch(20, 2), finding: null },
      },
    ];
    const sink = new Sink();
    const counters = new PipelineCounters();
    const owner = engine(sink, counters, { horizonMs: 5 * MINUTE });
    let saved: EngineSnapshot | undefined;
    feed(owner, tiny, 0, 2, sink, {
      every: 1,
      onCheckpoint: (snapshot) => {
        saved = snapshot;
      },
    });
    expect([saved?.replayFrom, saved?.watermark]).toEqual(['2', at(30)]);
    const takerCounters = new PipelineCounters();
    const taker = engine(sink, takerCounters, {
      horizonMs: 5 * MINUTE,
      origins: [{ snapshot: saved as EngineSnapshot, range: null }],
    });
    expect(taker.watermark).toBe(at(30));
    feed(taker, tiny, 2, 3, sink);
    expect(takerCounters.late).toBe(1);
  });
});

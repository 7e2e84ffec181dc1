import { LRUCache } from 'lru-cache';
import { filter, tap } from 'rxjs';
import type { Detection, DetectionParams } from '../../detections/api.js';
import type { AllowRule } from '../../detections/operators/index.js';
import type { Finding, SecurityEvent } from '../../schemas/types.js';
import type { DeadLetter, DecodeOptions } from '../decode/index.js';
import type { PipelineCounters } from '../pipeline/counters.js';
import { Pipeline, type RecordAt, type SavedDedup } from '../pipeline/pipeline.js';
import { WatermarkClock } from '../pipeline/watermarks.js';
import { DurableState } from '../state/durable-state.js';
import { StateCache } from '../state/index.js';
import { CheckpointHorizon, ShardPositions } from './checkpoint-horizon.js';
import type { EngineSnapshot } from './engine-snapshot.js';
import { type HashRange, inRange, partitionKeyHash } from './roles/hash-range.js';
import { KeyedRecordDecoder } from './roles/keyed-decoder.js';
import { partitionKeyOf } from './roles/partition-key.js';
import type { DecodedRecord } from './shard-processor.js';
import type { TailCursor, TailRecord } from './tail-cursor.js';

export interface KeyedEngineOptions {
  shardId: string;
  /** The stateful detections; each is fed only the copies published under its own partition key. */
  detections: readonly Detection[];
  /** Single-event detections with a dedup period: ingest made their findings, this engine rolls them up. */
  relayed: readonly Detection[];
  params?: Readonly<Record<string, DetectionParams>>;
  allowRules?: readonly AllowRule[];
  state: { maxEntries: number; maxBytes: number; ttlMs: number };
  /** Longest window, sequence or session span of the detections (see CheckpointHorizon). */
  horizonMs: number;
  /** The worker's counters, which every engine adds to. */
  counters: PipelineCounters;
  /** Every finding, with the release to call once every sink acked it. */
  submit: (finding: Finding, onAcked: () => void) => void;
  /** Snapshots to start from: this shard's own (a takeover), or its parents' (a child after a reshard). */
  origins?: readonly EngineOrigin[];
  /** This shard's hash range: a child keeps only its parents' keys within it. */
  range?: HashRange | null;
  onDeadLetter?: (deadLetter: DeadLetter) => void;
}

/** A snapshot an engine starts from, and the hash range of the shard that saved it when that is a parent. */
export interface EngineOrigin {
  snapshot: EngineSnapshot;
  /** Null for the engine's own shard (a takeover). */
  range: HashRange | null;
}

/** Where a checkpoint stands: the record, the greatest event time up to it, the watermark right after it. */
export interface EnginePosition {
  replayFrom: string | null;
  maxTime: number;
  watermark: number;
  /** The horizon limit it was judged against (≥ maxTime). */
  limit: number;
}

/** How many (detection, event id) → partition key entries are kept to find a finding's partition key. */
const KEYS_REMEMBERED = 200_000;

/**
 * One event-time engine for one keyed shard: its own watermark (carried by the stream: see KeyedRecord),
 * windows, dedup buckets and state-cache slice, so a shard read hours behind the others, or taken over, is
 * judged by its own event time only. Checkpoints follow this shard's watermark minus the horizon, and save a
 * snapshot (EngineSnapshot) with the position: the state cache as of the horizon and the dedup buckets.
 *
 * A taker starts a fresh engine from the snapshot and replays the records after the checkpoint; that rebuilds
 * every window still open exactly (the horizon covers the longest window, and the snapshot's watermark makes
 * the same events late). What the replay cannot rebuild whole — a window that also holds records before the
 * checkpoint, a lookup whose facts the snapshot already holds in a later version — was emitted and acked by
 * the previous owner before that checkpoint: the taker drops those findings (`admit`), and for the rest emits
 * the same ids with the same counts (repeats: no-ops for the sinks). Its dedup buckets merge each finding once.
 *
 * A child shard after a reshard starts the same way from its parents' snapshots (the state of both, the dedup
 * buckets whose partition key hashes into its range), replaying first the parents' records after their
 * checkpoints (replayTails) — keeping only the keys in its own range — merged in the order of their own
 * watermarks, so every window spanning the reshard counts each event once and the parents never flush one
 * half-filled.
 *
 *   const engine = new KeyedEngine({ shardId, detections, relayed, state, horizonMs, counters, submit });
 *   engine.push(engine.decode(record, origin, engine.decodeOptions), { shard, sequence });
 *   const snapshot = engine.snapshotAt(position); … engine.checkpointWritten(position);
 */
export class KeyedEngine {
  readonly shardId: string;
  readonly positions: ShardPositions;
  readonly decoder = new KeyedRecordDecoder();
  private readonly clock = new WatermarkClock(0);
  private readonly horizon: CheckpointHorizon;
  private readonly pipeline: Pipeline;
  private readonly durable: DurableState;
  private readonly origins: readonly EngineOrigin[];
  /** The prefilter this engine's pipeline wants (DecodeOptions.wants). */
  readonly decodeOptions: DecodeOptions;
  /** `${detection}\0${event id}` → partition key: a finding's key, from its first evidence event. */
  private readonly findingKeys = new LRUCache<string, string>({
    maxSize: KEYS_REMEMBERED, // not `max`, which preallocates its slots
    sizeCalculation: () => 1,
  });
  /** The last record processed, by shard (this one, and the parents' replayed first). */
  private readonly last = new Map<string, bigint>();
  /** The checkpoint last written (or started from): what a shard end saves when nothing newer is checkpointable. */
  private checkpointed: EnginePosition | null;

  constructor(private readonly o: KeyedEngineOptions) {
    this.shardId = o.shardId;
    this.origins = o.origins ?? [];
    const snapshots = this.origins.map(({ snapshot }) => snapshot);
    const stateOptions = { ...o.state, now: () => this.clock.latest };
    const states = snapshots.map((snapshot) => snapshot.state);
    this.durable = new DurableState(
      stateOptions,
      states.length > 0
        ? { snapshots: states, learnedUpTo: Math.min(...snapshots.map((s) => s.learnedUpTo)) }
        : undefined,
    );
    this.pipeline = new Pipeline({
      detections: o.detections.map((detection) => this.ownKeyOnly(detection)),
      relayed: o.relayed,
      clock: this.clock,
      state: states.length > 0 ? StateCache.restore(states, stateOptions) : new StateCache(stateOptions),
      ...(o.params ? { params: o.params } : {}),
      ...(o.allowRules ? { allowRules: o.allowRules } : {}),
      counters: o.counters,
      onFinding: (finding) => this.submit(finding),
      admit: (finding) => this.admit(finding),
      partitionKeyOf: (finding) => this.partitionKeyOfFinding(finding),
      learned: (event, at) => this.restoredAlready(event, at),
      catchingUp: true,
      savesDedup: true,
    });
    this.decodeOptions = { wants: (source, action) => this.pipeline.wants(source, action) };
    const start = Math.min(Number.POSITIVE_INFINITY, ...snapshots.map((s) => s.watermark));
    for (const { snapshot, range } of this.origins) {
      const saved = range ? this.ownBuckets(snapshot.dedup) : snapshot.dedup;
      this.pipeline.restoreDedup(saved, snapshot.point, start);
    }
    if (snapshots.length > 0) this.clock.advanceTo(start);
    this.horizon = new CheckpointHorizon({ clock: this.clock, horizonMs: o.horizonMs });
    this.positions = new ShardPositions(
      this.horizon,
      Math.max(Number.NEGATIVE_INFINITY, ...snapshots.map((s) => s.maxTime)),
    );
    const own = this.origins.length === 1 && this.origins[0]?.range === null ? snapshots[0] : undefined;
    this.checkpointed = own
      ? { replayFrom: own.replayFrom, maxTime: own.maxTime, watermark: own.watermark, limit: own.learnedUpTo }
      : null;
  }

  /** The engine's watermark: the latest promise its shard carried. */
  get watermark(): number {
    return this.clock.watermark;
  }

  /** What the shard processor decodes records with. */
  readonly decode = this.decoder.decode;

  /** Processes one decoded record of this shard (ShardInput.push). */
  push(record: DecodedRecord, at: RecordAt): void {
    this.last.set(at.shard, at.sequence);
    this.apply(record, at);
  }

  /**
   * A child's first work: its parents' records after their checkpoints (TailCursor: merged by the watermark each
   * met in its parent's engine, so every record meets that watermark here), keeping the keys in this shard's
   * range; every record's watermark counts. Findings are held against one position that is never checkpointed.
   */
  async replayTails(tails: TailCursor): Promise<void> {
    this.positions.begin(null, []);
    try {
      for (let head = await tails.peek(); head !== undefined; head = await tails.peek()) {
        tails.take();
        this.replayTailRecord(head);
      }
    } finally {
      this.positions.end();
    }
  }

  /** The snapshot to save with a checkpoint at `position` (from positions.checkpointable(), or the last one). */
  snapshotAt(position: EnginePosition): EngineSnapshot {
    this.durable.advanceTo(position.limit);
    return {
      shard: this.shardId,
      replayFrom: position.replayFrom,
      watermark: position.watermark,
      maxTime: position.maxTime,
      learnedUpTo: this.durable.learnedUpTo,
      point: { through: Object.fromEntries(this.last), watermark: this.clock.watermark },
      state: this.durable.save().snapshot,
      dedup: this.pipeline.saveDedup(position.watermark - this.o.horizonMs),
    };
  }

  /** The snapshot a shard end saves: at the newest checkpointable record, else the last checkpoint. */
  finalSnapshot(): EngineSnapshot {
    const next = this.positions.checkpointable();
    const position: EnginePosition = next
      ? { replayFrom: next.sequence, maxTime: next.maxTime, watermark: next.watermark, limit: next.limit }
      : (this.checkpointed ?? {
          replayFrom: null,
          maxTime: Number.NEGATIVE_INFINITY,
          watermark: Number.NEGATIVE_INFINITY,
          limit: Number.NEGATIVE_INFINITY,
        });
    return this.snapshotAt({ ...position, limit: Math.max(position.limit, this.horizon.limit()) });
  }

  /**
   * The checkpoint at `position` was written. A taker starts at its watermark; closed buckets are kept a horizon
   * longer, as a finding passing alone under a bucket's id (its window ends after the bucket) may still follow.
   */
  checkpointWritten(position: EnginePosition): void {
    this.checkpointed = position;
    this.pipeline.forgetClosedUpTo(position.watermark - this.o.horizonMs);
  }

  /**
   * The shard has been read up to its tip (a read with nothing behind it) since this engine started: past
   * anything a previous owner can have read, so deferred first findings may go out (see DedupStage).
   */
  caughtUp(): void {
    this.positions.begin(null, []);
    try {
      this.pipeline.caughtUp();
    } finally {
      this.positions.end();
    }
  }

  /** The engine is given up (lease lost, shard ended, worker stopping): nothing is flushed. */
  dispose(): void {
    this.pipeline.dispose();
  }

  private replayTailRecord({ shard, record, parsed, within }: TailRecord): void {
    const at = { shard, sequence: BigInt(record.SequenceNumber ?? '0') };
    this.last.set(shard, at.sequence);
    if (parsed.deadLetter) {
      this.o.onDeadLetter?.(parsed.deadLetter);
      return;
    }
    const key = record.PartitionKey ?? '';
    const hash = partitionKeyHash(key);
    const mine = [this.o.range, ...within].every((range) => !range || inRange(hash, range));
    const decoded = mine
      ? this.decoder.accept(parsed.record, key, this.decodeOptions)
      : { events: [], deadLetters: [], ignored: 0, skipped: 0, watermark: parsed.record.watermark };
    for (const event of decoded.events) this.positions.raise(event.time);
    this.apply(decoded, at);
  }

  private apply(record: DecodedRecord, at: RecordAt): void {
    for (const event of record.events) {
      this.durable.observe(event, this.restoredAlready(event, at));
      this.pipeline.push(null, event, at);
    }
    for (const finding of record.findings ?? []) {
      const [first] = finding.evidence;
      if (first !== undefined && record.partitionKey !== undefined)
        this.findingKeys.set(`${finding.detection}\u0000${first}`, record.partitionKey);
      this.pipeline.pushFinding(finding, at);
    }
    if (record.watermark !== null && record.watermark !== undefined) this.clock.advanceTo(record.watermark);
  }

  /** Holds a finding against the record being processed and the horizon until every sink acked it. */
  private submit(finding: Finding): void {
    const releases = [this.horizon.hold(), this.positions.hold()];
    this.o.submit(finding, () => {
      for (const release of releases) release();
    });
  }

  /**
   * A finding that may rest on events before the snapshot's checkpoint (a window starting by then, a lookup in
   * a cache that already knows later facts) was emitted and acked by the engine that saved the snapshot.
   */
  private admit(finding: Finding): boolean {
    if (this.origins.length === 0) return true;
    const learnedUpTo =
      this.originOfFinding(finding)?.snapshot.learnedUpTo ??
      Math.max(...this.origins.map((o) => o.snapshot.learnedUpTo));
    return (finding.window?.start ?? finding.time) > learnedUpTo;
  }

  /** The origin a finding's partition key belongs to (the only one, or the parent whose range holds it). */
  private originOfFinding(finding: Finding): EngineOrigin | undefined {
    if (this.origins.length === 1) return this.origins[0];
    const key = this.partitionKeyOfFinding(finding);
    if (key === null) return undefined;
    const hash = partitionKeyHash(key);
    return this.origins.find(({ range }) => range !== null && inRange(hash, range));
  }

  /** Whether the restored state already learned this event: replayed from a record the snapshot covers. */
  private restoredAlready(event: SecurityEvent, at: RecordAt | undefined): boolean {
    if (at === undefined) return false;
    const origin = this.origins.find(({ snapshot }) => snapshot.point.through[at.shard] !== undefined);
    const through = origin?.snapshot.point.through[at.shard];
    return (
      origin !== undefined &&
      through !== undefined &&
      at.sequence <= through &&
      event.time <= origin.snapshot.learnedUpTo
    );
  }

  private partitionKeyOfFinding(finding: Finding): string | null {
    const [first] = finding.evidence;
    return first === undefined ? null : (this.findingKeys.get(`${finding.detection}\u0000${first}`) ?? null);
  }

  /** The saved dedup buckets of a parent whose partition key hashes into this shard's range. */
  private ownBuckets(saved: SavedDedup): SavedDedup {
    const range = this.o.range;
    const own: SavedDedup = {};
    for (const [detection, buckets] of Object.entries(saved)) {
      own[detection] = buckets.filter(
        ({ partitionKey }) =>
          range === null ||
          range === undefined ||
          (partitionKey !== null && inRange(partitionKeyHash(partitionKey), range)),
      );
    }
    return own;
  }

  /** An event published under several keys reaches a detection only in the copy carrying that detection's key. */
  private ownKeyOnly(detection: Detection): Detection {
    return {
      ...detection,
      operator: (context) => (events) =>
        events.pipe(
          filter((event) => this.decoder.keyOf(event) === partitionKeyOf(detection, event)),
          tap((event) =>
            this.findingKeys.set(`${detection.id}\u0000${event.id}`, this.decoder.keyOf(event) as string),
          ),
          detection.operator(context),
        ),
    };
  }
}

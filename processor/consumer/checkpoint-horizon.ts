import { AckedPositions } from './acked-positions.js';

/** Findings emitted while the watermark stood at `watermark`; `floor` = the last watermark known fully emitted before. */
interface Epoch {
  watermark: number;
  floor: number;
  holds: number;
}

/**
 * Window state across failover, for one event-time engine: a record may be checkpointed only once every
 * window it can belong to has fired and that window's findings are acked. With `horizonMs` ≥ the longest
 * window / sequence span of the enabled detections, that holds for event time t when
 * t ≤ safeWatermark − horizonMs, where safeWatermark is the greatest watermark reached such that every finding
 * emitted up to it is acked. A taker replays from that checkpoint, rebuilds the open windows, and findings
 * it emits again carry the same deterministic ids (idempotent sinks absorb them).
 * With one engine for all shards (roles all and ingest) nothing else is carried over; a keyed shard's engine also
 * saves its state cache and dedup buckets with the checkpoint (KeyedEngine).
 *
 *   const horizon = new CheckpointHorizon({ clock, horizonMs: hours(1) });
 *   delivery.submit(finding, horizon.hold()); … if (time <= horizon.limit()) checkpoint(sequence);
 */
export class CheckpointHorizon {
  private readonly epochs: Epoch[] = [];
  /** A watermark read between pushes: every finding it made fire was held by then. */
  private reached = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly o: {
      clock: { readonly watermark: number };
      /** Must cover the longest window, session or sequence span of the enabled stateful detections. */
      horizonMs: number;
    },
  ) {}

  /** A finding emitted now (at the current watermark) awaits acks; returns its release for Delivery. */
  hold(): () => void {
    const { watermark } = this.o.clock;
    let epoch = this.epochs.at(-1);
    if (epoch?.watermark !== watermark) {
      epoch = { watermark, floor: Math.min(this.reached, watermark), holds: 0 };
      this.epochs.push(epoch);
    }
    const held = epoch;
    held.holds += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      held.holds -= 1;
    };
  }

  /** The engine's watermark now. */
  get watermark(): number {
    return this.o.clock.watermark;
  }

  /** The greatest event time a record may have to be checkpointed. Call between pushes, not during one. */
  limit(): number {
    this.reached = Math.max(this.reached, this.o.clock.watermark);
    while (this.epochs.length > 0 && (this.epochs[0] as Epoch).holds === 0) this.epochs.shift();
    const safe = this.epochs[0]?.floor ?? this.reached;
    return safe - this.o.horizonMs;
  }
}

/** A record of the shard: its order, Kinesis sequence number, and the greatest event time up to it. */
interface Position {
  ordinal: number;
  /** Null for what is not a record of the shard (the parents' tails a child replays first). */
  sequence: string | null;
  maxTime: number;
  /** The engine watermark once the record was processed. */
  watermark: number;
}

/** A position that may be checkpointed, and the horizon limit it was judged against. */
export interface CheckpointPosition {
  sequence: string;
  /** Greatest event time of this record and every earlier one. */
  maxTime: number;
  /** The engine watermark right after the record. */
  watermark: number;
  /** horizon.limit() when it was found checkpointable (≥ maxTime). */
  limit: number;
}

/**
 * One shard's checkpointable sequence number: the last record such that it and every earlier one are
 * processed with their findings acked (AckedPositions) and lie behind the worker's CheckpointHorizon.
 * Event times inside a shard need not be sorted, so the horizon test uses the running maximum.
 *
 *   positions.begin(record.SequenceNumber, events.map((e) => e.time)); …hold()…; positions.end();
 *   const sequence = positions.checkpointable(); // undefined: nothing new to checkpoint
 */
export class ShardPositions {
  private readonly acked = new AckedPositions<number>();
  /** Begun records not yet returned by checkpointable(), oldest first from `head` (prefix trimmed lazily). */
  private pending: Position[] = [];
  private head = 0;
  private ordinal = 0;
  private maxTime: number;
  private current: Position | undefined;
  /** maxTime of the last position returned by checkpointable(). */
  private resolved: number;

  /** `maxTime`: the greatest event time before the first record (a taker starting at a checkpoint). */
  constructor(
    private readonly horizon: CheckpointHorizon,
    maxTime = Number.NEGATIVE_INFINITY,
  ) {
    this.maxTime = maxTime;
    this.resolved = maxTime;
  }

  /**
   * A record starts processing; `times` are its events' times (none for a record that was dead-lettered).
   * `sequence` null: work that is no record of this shard, never itself checkpointed but holding later ones.
   */
  begin(sequence: string | null, times: readonly number[]): void {
    this.ordinal += 1;
    this.acked.begin(this.ordinal);
    this.current = { ordinal: this.ordinal, sequence, maxTime: this.maxTime, watermark: Number.NaN };
    this.pending.push(this.current);
    for (const time of times) this.raise(time);
  }

  /** An event time of the current record learned while processing it. */
  raise(time: number): void {
    if (time > this.maxTime) this.maxTime = time;
    if (this.current && time > this.current.maxTime) this.current.maxTime = time;
  }

  /** One more finding of the current record awaits acks. */
  hold(): () => void {
    return this.acked.hold();
  }

  end(): void {
    if (this.current) this.current.watermark = this.horizon.watermark;
    this.current = undefined;
    this.acked.end();
  }

  /** The newest record that may be checkpointed, once; undefined when it has not moved. */
  checkpointable(): CheckpointPosition | undefined {
    const ackedUpTo = this.acked.checkpointable ?? 0;
    const limit = this.horizon.limit();
    let found: CheckpointPosition | undefined;
    while (this.head < this.pending.length) {
      const oldest = this.pending[this.head] as Position;
      if (oldest.ordinal > ackedUpTo || oldest.maxTime > limit) break;
      const { sequence, maxTime, watermark } = oldest;
      if (sequence !== null) found = { sequence, maxTime, watermark, limit };
      this.resolved = maxTime;
      this.head += 1;
    }
    if (this.head * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
    return found;
  }

  /**
   * The greatest event time up to the newest record whose findings and publications are all acked, horizon
   * or not (-Infinity before any): ingest's watermark promise rests on it (see EventPublisher).
   */
  get resolvedMaxTime(): number {
    const ackedUpTo = this.acked.checkpointable ?? 0;
    let resolved = this.resolved;
    for (let index = this.head; index < this.pending.length; index += 1) {
      const position = this.pending[index] as Position;
      if (position.ordinal > ackedUpTo) break;
      resolved = position.maxTime;
    }
    return resolved;
  }

  /** Records begun but not yet checkpointable: unacked findings or still inside the horizon. */
  get outstanding(): number {
    return this.pending.length - this.head;
  }
}

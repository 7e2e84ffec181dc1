import { AckedPositions } from './acked-positions.js';

/** Findings emitted while the watermark stood at `watermark`; `floor` = the last watermark known fully emitted before. */
interface Epoch {
  watermark: number;
  floor: number;
  holds: number;
}

/**
 * Window state across failover (DESIGN.md §6), worker-wide: a record may be checkpointed only once every
 * window it can belong to has fired and that window's findings are acked. With `horizonMs` ≥ the longest
 * window / sequence span of the enabled detections, that holds for event time t when
 * t ≤ safeWatermark − horizonMs, where safeWatermark is the greatest watermark reached such that every finding
 * emitted up to it is acked. A taker replays from that checkpoint, rebuilds the open windows, and findings
 * it emits again carry the same deterministic ids (idempotent sinks absorb them).
 * Not carried over: dedup periods longer than the horizon (a roll-up across a takeover can start a new
 * finding), state-cache facts learned before the checkpoint, and open windows of a shard checkpointed at
 * SHARD_END (children wait for it, so its end cannot wait for the horizon).
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
  sequence: string;
  maxTime: number;
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
  private maxTime = Number.NEGATIVE_INFINITY;

  constructor(private readonly horizon: CheckpointHorizon) {}

  /** A record starts processing; `times` are its events' times (none for a record that was dead-lettered). */
  begin(sequence: string, times: readonly number[]): void {
    for (const time of times) if (time > this.maxTime) this.maxTime = time;
    this.ordinal += 1;
    this.acked.begin(this.ordinal);
    this.pending.push({ ordinal: this.ordinal, sequence, maxTime: this.maxTime });
  }

  /** One more finding of the current record awaits acks. */
  hold(): () => void {
    return this.acked.hold();
  }

  end(): void {
    this.acked.end();
  }

  /** The newest sequence number that may be checkpointed, once; undefined when it has not moved. */
  checkpointable(): string | undefined {
    const ackedUpTo = this.acked.checkpointable ?? 0;
    const limit = this.horizon.limit();
    let found: string | undefined;
    while (this.head < this.pending.length) {
      const oldest = this.pending[this.head] as Position;
      if (oldest.ordinal > ackedUpTo || oldest.maxTime > limit) break;
      found = oldest.sequence;
      this.head += 1;
    }
    if (this.head * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
    return found;
  }

  /** Records begun but not yet checkpointable: unacked findings or still inside the horizon. */
  get outstanding(): number {
    return this.pending.length - this.head;
  }
}

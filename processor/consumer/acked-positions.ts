/** A record's position, whether it is fully processed, and how many of its findings await acks. */
interface Tracked<P> {
  position: P;
  ended: boolean;
  holds: number;
}

/** begin/hold/end called out of order: a bug in the caller, never a data problem. */
export class AckedPositionsMisuseError extends Error {
  override readonly name = 'AckedPositionsMisuseError';
}

/**
 * How far an input (a shard, a replayed file) may be checkpointed: like kafkajs's offset manager, it keeps
 * "processed" apart from "committable". A position becomes checkpointable once it and every earlier one are
 * processed and all their findings acked by Delivery; a slow sink therefore holds the checkpoint back.
 *
 *   positions.begin('42'); delivery.submit(finding, positions.hold()); positions.end();
 *   await checkpointer.checkpoint(positions.checkpointable);
 */
export class AckedPositions<P> {
  /** Positions not yet checkpointable, oldest first, from `head` on (a consumed prefix is trimmed lazily). */
  private tracked: Tracked<P>[] = [];
  private head = 0;
  private current: Tracked<P> | undefined;
  private latest: P | undefined;

  /** A record at `position` starts processing; findings emitted while processing it are held against it. */
  begin(position: P): void {
    if (this.current) throw new AckedPositionsMisuseError('begin() before the previous record ended');
    this.current = { position, ended: false, holds: 0 };
    this.tracked.push(this.current);
  }

  /** One more finding of the current record awaits acks; returns the release function for Delivery's onAcked. */
  hold(): () => void {
    const record = this.current;
    if (!record) throw new AckedPositionsMisuseError('hold() outside begin() … end()');
    record.holds += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      record.holds -= 1;
      this.advance();
    };
  }

  /** The current record is fully processed (all its findings submitted). */
  end(): void {
    if (!this.current) throw new AckedPositionsMisuseError('end() without begin()');
    this.current.ended = true;
    this.current = undefined;
    this.advance();
  }

  /** The greatest position such that it and every earlier one are processed and all their findings acked; undefined if none. */
  get checkpointable(): P | undefined {
    return this.latest;
  }

  /** Records begun but not yet checkpointable (memory use; 0 when everything is acked). */
  get outstanding(): number {
    return this.tracked.length - this.head;
  }

  /** Moves past the fully acked prefix and drops it, so memory follows the unacked records only. */
  private advance(): void {
    while (this.head < this.tracked.length) {
      const oldest = this.tracked[this.head] as Tracked<P>;
      if (!oldest.ended || oldest.holds > 0) break;
      this.latest = oldest.position;
      this.head += 1;
    }
    if (this.head === this.tracked.length) {
      this.tracked = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.tracked.length) {
      this.tracked = this.tracked.slice(this.head);
      this.head = 0;
    }
  }
}

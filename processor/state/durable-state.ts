import { EventTimeQueue } from '../../detections/operators/event-time-queue.js';
import { byTimeThenId } from '../../detections/operators/item-order.js';
import type { SecurityEvent } from '../../schemas/types.js';
import type { StateOptions } from './options.js';
import { StateCache } from './state-cache.js';

/** A DurableState saved with a checkpoint: the cache's snapshot and the event time it had learned up to. */
export interface SavedState {
  snapshot: Buffer;
  learnedUpTo: number;
}

/**
 * The state cache as it stands once every event up to `learnedUpTo` (event time) is learned, in (time, id)
 * order, and nothing after: what a checkpoint saves so that a taker's cache knows the assets learned before
 * the checkpoint and learns the rest from the records it replays, in the same order as the pipeline.
 * It trails the pipeline's own cache by the checkpoint horizon; what it still has to learn waits in a queue.
 * What any event teaches on arrival (the signing key's owner, event-time "now") is learned at once, as the
 * pipeline's cache does.
 *
 *   const durable = new DurableState(options);
 *   durable.observe(event); durable.advanceTo(horizonLimit); const saved = durable.save();
 */
export class DurableState {
  private readonly cache: StateCache;
  private bound: number;
  private readonly pending = new EventTimeQueue<SecurityEvent>(byTimeThenId);

  /** `restored`: saved states to start from (several: the union, for a child shard of a merge). */
  constructor(options: StateOptions, restored?: { snapshots: readonly Buffer[]; learnedUpTo: number }) {
    this.cache = restored ? StateCache.restore(restored.snapshots, options) : new StateCache(options);
    this.bound = restored?.learnedUpTo ?? Number.NEGATIVE_INFINITY;
  }

  get learnedUpTo(): number {
    return this.bound;
  }

  /** Events waiting for the bound. */
  get waiting(): number {
    return this.pending.size;
  }

  /**
   * An event the engine processed. One at or before the bound is learned at once when it arrives late, and
   * skipped when it was learned before a restore (a taker replaying records the snapshot already covers).
   */
  observe(event: SecurityEvent, replayed = false): void {
    this.cache.observe(event);
    if (!StateCache.learnsFrom(event)) return;
    if (event.time > this.bound) this.pending.push(event);
    else if (!replayed) this.cache.learn(event);
  }

  /** Learns, in (time, id) order, every waiting event up to `bound`. */
  advanceTo(bound: number): void {
    if (bound <= this.bound) return;
    this.bound = bound;
    for (const event of this.pending.popWhile((waiting) => waiting.time <= bound)) this.cache.learn(event);
  }

  save(): SavedState {
    return { snapshot: this.cache.snapshot(), learnedUpTo: this.bound };
  }
}

import type { OperatorFunction } from 'rxjs';
import type { FindingWindow } from '../../schemas/types.js';
import type { EventClock } from '../api.js';
import { eventTimeOperator } from './event-time-operator.js';
import { EventTimeQueue } from './event-time-queue.js';
import type { Timed } from './window-spec.js';
import { byEndStartKey } from './window-store.js';

/** The accumulated value of one key in one tumbling window. */
export interface AggregateMatch<A> {
  key: string;
  window: FindingWindow;
  value: A;
}

export interface AggregateOptions<T, A> {
  clock: EventClock;
  /** Groups items; null skips the item. */
  key: (item: T) => string | null;
  /** Window size in ms: epoch-aligned tumbling windows [k·size, (k+1)·size). */
  size: number;
  /** A fresh accumulator for a new window. */
  seed: () => A;
  /**
   * Folds an item into the window's accumulator (mutating or returning it). Must not depend on the order
   * of items (sums, maxima, top-N by a total order), so arrival order cannot change the result.
   */
  add: (accumulator: A, item: T) => A;
  /** Called for an item whose window had already fired when it arrived; the item is dropped. */
  onLate?: (item: T) => void;
}

interface OpenAggregate<A> extends FindingWindow {
  key: string;
  value: A;
}

/**
 * Keyed tumbling windows that keep an accumulator instead of their items: `windowBy` for high-volume inputs
 * (flow records) where only a total matters. A window is emitted once the watermark reaches its end, in
 * (end, start, key) order; completion emits every open window.
 *
 *   flows.pipe(aggregate({ clock, key: (e) => e.flow.interfaceId, size: hours(1), seed: () => 0, add: (n, e) => n + bytes(e) }))
 *   // eni-1: 10:05 3 MB, 10:40 5 MB ──  →  { key: 'eni-1', window: [10:00, 11:00), value: 8 MB } at watermark 11:00
 */
export function aggregate<T extends Timed, A>(
  options: AggregateOptions<T, A>,
): OperatorFunction<T, AggregateMatch<A>> {
  const { clock, key, size, seed, add, onLate } = options;
  if (!Number.isFinite(size) || size <= 0)
    throw new RangeError('aggregate: size must be a positive number of ms');
  return eventTimeOperator<T, AggregateMatch<A>>(clock, () => {
    const open = new Map<string, OpenAggregate<A>>();
    const due = new EventTimeQueue<OpenAggregate<A>>(byEndStartKey);
    const emitDue = (watermark: number, emit: (match: AggregateMatch<A>) => void) => {
      for (const window of due.popWhile((w) => w.end <= watermark)) {
        open.delete(`${window.key}\u0000${window.start}`);
        emit({ key: window.key, window: { start: window.start, end: window.end }, value: window.value });
      }
    };
    return {
      item(item) {
        const itemKey = key(item);
        if (itemKey === null) return;
        const start = Math.floor(item.time / size) * size;
        if (start + size <= clock.watermark) {
          onLate?.(item);
          return;
        }
        const id = `${itemKey}\u0000${start}`;
        let window = open.get(id);
        if (!window) {
          window = { key: itemKey, start, end: start + size, value: seed() };
          open.set(id, window);
          due.push(window);
        }
        window.value = add(window.value, item);
      },
      advance: emitDue,
      flush: (emit) => emitDue(Number.POSITIVE_INFINITY, emit),
      release() {
        open.clear();
        due.clear();
      },
    };
  });
}

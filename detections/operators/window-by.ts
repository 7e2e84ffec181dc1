import type { OperatorFunction } from 'rxjs';
import type { FindingWindow } from '../../schemas/types.js';
import type { EventClock } from '../api.js';
import { eventTimeOperator } from './event-time-operator.js';
import { byTimeThenId } from './item-order.js';
import type { Timed, WindowSpec } from './window-spec.js';
import { createWindowStore } from './window-store.js';

/** The items of one key in one window, sorted by (time, id): the same however they arrived. */
export interface WindowMatch<T> {
  key: string;
  window: FindingWindow;
  items: T[];
  count: number;
}

export interface WindowByOptions<T> {
  clock: EventClock;
  /** Groups items; null skips the item. */
  key: (item: T) => string | null;
  window: WindowSpec;
  /** Called for an item whose every window had already fired when it arrived; the item is dropped. */
  onLate?: (item: T) => void;
  /** Windows with fewer items are not emitted (threshold and distinctCount could never match them). Default 1. */
  minItems?: number;
}

/**
 * Keyed event-time windows. A window is emitted once the watermark reaches its end, in (end, start, key)
 * order; when the source completes, all open windows are emitted in that order. Fired windows are released.
 *
 *   events.pipe(windowBy({ clock, key: (e) => e.account, window: tumbling(minutes(5)) }))
 *   // ──a──b──a──|  →  { key: 'a', window: {start, end}, items: [a1, a2], count: 2 }, { key: 'b', ... }
 */
export function windowBy<T extends Timed>(options: WindowByOptions<T>): OperatorFunction<T, WindowMatch<T>> {
  const { clock, key, window, onLate, minItems } = options;
  return eventTimeOperator<T, WindowMatch<T>>(clock, () => {
    const store = createWindowStore<T>(window, minItems);
    const emitAll = (watermark: number, emit: (match: WindowMatch<T>) => void) => {
      for (const open of store.due(watermark)) {
        const items = open.items.sort(byTimeThenId);
        emit({ key: open.key, window: { start: open.start, end: open.end }, items, count: items.length });
      }
    };
    return {
      item(item) {
        const itemKey = key(item);
        if (itemKey === null) return;
        if (!store.add(itemKey, item, clock.watermark)) onLate?.(item);
      },
      advance: emitAll,
      flush: (emit) => emitAll(Number.POSITIVE_INFINITY, emit),
      release: () => store.clear(),
    };
  });
}

import type { OperatorFunction } from 'rxjs';
import type { EventClock } from '../api.js';
import { eventTimeOperator } from './event-time-operator.js';
import { EventTimeQueue } from './event-time-queue.js';
import { compareStrings, idOf } from './item-order.js';
import type { Timed } from './window-spec.js';

export interface AbsenceOptions<T> {
  clock: EventClock;
  /** The key when the item starts a wait, else null. */
  first: (item: T) => string | null;
  /** The key when the item ends the wait of earlier firsts, else null. */
  then: (item: T) => string | null;
  /** How long (ms, inclusive) a first waits for its then. */
  within: number;
  /** Called for a first whose wait was already over when it arrived (it is dropped). */
  onLate?: (item: T) => void;
}

interface Waiting<T> {
  key: string;
  item: T;
  deadline: number;
  arrival: number;
  cancelled: boolean;
}

/**
 * "A not followed by B within T, by key": emits each `first` for which no `then` of the same key has a time
 * in [first.time, first.time + within] (an item never cancels itself). A first is emitted once the
 * watermark is past its deadline (strictly, since a then at exactly the deadline may still arrive on time),
 * or at completion (end of input is end of time), in (deadline, id) order.
 *
 *   events.pipe(absence({ clock, first: (e) => e.account, then: (e) => e.account, within: minutes(15) }))
 *   // delivery(a)@10:00 ── (nothing for a until 10:15) ──  →  delivery(a)@10:00 once the watermark passes 10:15
 */
export function absence<T extends Timed>(options: AbsenceOptions<T>): OperatorFunction<T, T> {
  const { clock, within, onLate } = options;
  if (!Number.isFinite(within) || within < 0) throw new RangeError('absence: within must be ≥ 0 ms');
  return eventTimeOperator<T, T>(clock, () => {
    const waitingByKey = new Map<string, Waiting<T>[]>();
    const deadlines = new EventTimeQueue<Waiting<T>>(
      (a, b) =>
        a.deadline - b.deadline || compareStrings(idOf(a.item), idOf(b.item)) || a.arrival - b.arrival,
    );
    /** Thens kept for firsts that may still arrive out of order. */
    const thensByKey = new Map<string, T[]>();
    const thensToForget = new EventTimeQueue<{ key: string; item: T }>((a, b) => a.item.time - b.item.time);
    let arrivals = 0;

    const cancels = (then: T, first: T) =>
      then !== first && then.time >= first.time && then.time <= first.time + within;
    const remove = <V>(byKey: Map<string, V[]>, key: string, value: V) => {
      const values = byKey.get(key) ?? [];
      const at = values.indexOf(value);
      if (at >= 0) values.splice(at, 1);
      if (values.length === 0) byKey.delete(key);
    };

    return {
      item(item) {
        const watermark = clock.watermark;
        const thenKey = options.then(item);
        const firstKey = options.first(item);
        if (thenKey !== null) {
          for (const waiting of [...(waitingByKey.get(thenKey) ?? [])]) {
            if (!cancels(item, waiting.item)) continue;
            waiting.cancelled = true;
            remove(waitingByKey, thenKey, waiting);
          }
          if (item.time + within >= watermark) {
            const thens = thensByKey.get(thenKey) ?? [];
            thens.push(item);
            thensByKey.set(thenKey, thens);
            thensToForget.push({ key: thenKey, item });
          }
        }
        if (firstKey !== null && item.time + within < watermark) onLate?.(item);
        else if (firstKey !== null) {
          if (!(thensByKey.get(firstKey) ?? []).some((then) => cancels(then, item))) {
            const waiting = {
              key: firstKey,
              item,
              deadline: item.time + within,
              arrival: arrivals,
              cancelled: false,
            };
            const list = waitingByKey.get(firstKey) ?? [];
            list.push(waiting);
            waitingByKey.set(firstKey, list);
            deadlines.push(waiting);
          }
        }
        arrivals += 1;
      },
      advance(watermark, emit) {
        for (const waiting of deadlines.popWhile((w) => w.deadline < watermark)) {
          if (waiting.cancelled) continue;
          remove(waitingByKey, waiting.key, waiting);
          emit(waiting.item);
        }
        for (const then of thensToForget.popWhile((t) => t.item.time + within < watermark)) {
          remove(thensByKey, then.key, then.item);
        }
      },
      flush(emit) {
        for (const waiting of deadlines.popWhile(() => true)) if (!waiting.cancelled) emit(waiting.item);
      },
      release() {
        waitingByKey.clear();
        deadlines.clear();
        thensByKey.clear();
        thensToForget.clear();
      },
    };
  });
}

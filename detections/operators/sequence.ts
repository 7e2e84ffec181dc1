import type { OperatorFunction } from 'rxjs';
import type { EventClock } from '../api.js';
import { eventTimeOperator } from './event-time-operator.js';
import { EventTimeQueue } from './event-time-queue.js';
import { byTimeThenId, compareStrings, idOf } from './item-order.js';
import type { Timed } from './window-spec.js';

/** A `then` item and the `first` item of the same key that preceded it within the time limit. */
export interface SequenceMatch<A, B> {
  key: string;
  first: A;
  then: B;
}

export interface SequenceOptions<T> {
  clock: EventClock;
  /** The key when the item can open a sequence, else null. */
  first: (item: T) => string | null;
  /** The key when the item can complete a sequence, else null. */
  then: (item: T) => string | null;
  /** Max ms from first to then (inclusive). */
  within: number;
  /** Called for an item too late to take part: a then already behind the watermark, a first too old to match. */
  onLate?: (item: T) => void;
}

interface Pending<T> {
  key: string;
  item: T;
  arrival: number;
}

/**
 * "A then B within T, by key": for each `then` item, the latest `first` of its key with
 * then.time − first.time in [0, within] (ties: smallest id; an item is never its own first).
 * A then is matched once the watermark is past its time (strictly, since a first at exactly then.time
 * may still arrive on time), or at completion, so firsts arriving out of order within lateness count.
 * Matches come out in (then.time, then id) order; each then yields at most one.
 *
 *   events.pipe(sequence({ clock, first: (e) => finding(e), then: (e) => credentialUse(e), within: hours(1) }))
 *   // first(k)@10:00 ── then(k)@10:20  →  { key: k, first, then } once the watermark passes 10:20
 */
export function sequence<T extends Timed>(
  options: SequenceOptions<T>,
): OperatorFunction<T, SequenceMatch<T, T>> {
  const { clock, within, onLate } = options;
  if (!Number.isFinite(within) || within < 0) throw new RangeError('sequence: within must be ≥ 0 ms');
  return eventTimeOperator<T, SequenceMatch<T, T>>(clock, () => {
    const firstsByKey = new Map<string, T[]>();
    const firstsToForget = new EventTimeQueue<Pending<T>>((a, b) => a.item.time - b.item.time);
    const thensToMatch = new EventTimeQueue<Pending<T>>(
      (a, b) => byTimeThenId(a.item, b.item) || a.arrival - b.arrival,
    );
    let arrivals = 0;

    const match = ({ key, item }: Pending<T>, emit: (m: SequenceMatch<T, T>) => void) => {
      let best: T | undefined;
      for (const candidate of firstsByKey.get(key) ?? []) {
        const lag = item.time - candidate.time;
        if (candidate === item || lag < 0 || lag > within) continue;
        if (
          !best ||
          candidate.time > best.time ||
          (candidate.time === best.time && compareStrings(idOf(candidate), idOf(best)) < 0)
        ) {
          best = candidate;
        }
      }
      // biome-ignore lint/suspicious/noThenProperty: the shared contract names the pair first/then; never awaited
      if (best) emit({ key, first: best, then: item });
    };
    const forget = ({ key, item }: Pending<T>) => {
      const firsts = firstsByKey.get(key) ?? [];
      firsts.splice(firsts.indexOf(item), 1);
      if (firsts.length === 0) firstsByKey.delete(key);
    };

    return {
      item(item) {
        const watermark = clock.watermark;
        const firstKey = options.first(item);
        const thenKey = options.then(item);
        let kept = false;
        if (firstKey !== null && item.time + within >= watermark) {
          const firsts = firstsByKey.get(firstKey) ?? [];
          firsts.push(item);
          firstsByKey.set(firstKey, firsts);
          firstsToForget.push({ key: firstKey, item, arrival: arrivals });
          kept = true;
        }
        if (thenKey !== null && item.time >= watermark) {
          thensToMatch.push({ key: thenKey, item, arrival: arrivals });
          kept = true;
        }
        arrivals += 1;
        if (!kept && (firstKey !== null || thenKey !== null)) onLate?.(item);
      },
      advance(watermark, emit) {
        for (const then of thensToMatch.popWhile((p) => p.item.time < watermark)) match(then, emit);
        for (const first of firstsToForget.popWhile((p) => p.item.time + within < watermark)) forget(first);
      },
      flush(emit) {
        for (const then of thensToMatch.popWhile(() => true)) match(then, emit);
      },
      release() {
        firstsByKey.clear();
        firstsToForget.clear();
        thensToMatch.clear();
      },
    };
  });
}

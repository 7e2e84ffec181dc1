import type { OperatorFunction } from 'rxjs';
import type { EventClock } from '../api.js';
import { eventTimeOperator } from './event-time-operator.js';
import { EventTimeQueue } from './event-time-queue.js';
import { byTimeThenId, compareStrings, idOf } from './item-order.js';
import type { Timed } from './window-spec.js';

/** One item per step, in step order, all of one key. */
export interface ChainMatch<T> {
  key: string;
  items: T[];
}

export interface ChainOptions<T> {
  clock: EventClock;
  /** For each step, the key when the item can play that step, else null (an item may play several). */
  steps: readonly ((item: T) => string | null)[];
  /** Max ms from the first step's item to the last step's (inclusive). */
  within: number;
  /** Called for an item too late to take part. */
  onLate?: (item: T) => void;
}

interface Held<T> {
  key: string;
  step: number;
  item: T;
  arrival: number;
}

/**
 * "A then B then C… within T, by key" — `sequence` for more than two steps. For each item of the last step,
 * once the watermark is past its time (or at completion), each earlier step takes, going backwards, the latest
 * item of its key no later than the step after it and no earlier than last − within (ties: smallest id; an item
 * plays one step of a match). Taking the latest keeps the most room for the steps before it, so a chain is found
 * whenever one exists, whatever the arrival order. Matches come out in (last time, last id) order.
 *
 *   events.pipe(chain({ clock, steps: [stopped, userDataChanged, started], within: hours(1) }))
 *   // stop(i)@10:00 ── modify(i)@10:05 ── start(i)@10:06  →  { key: i, items: [stop, modify, start] }
 */
export function chain<T extends Timed>(options: ChainOptions<T>): OperatorFunction<T, ChainMatch<T>> {
  const { clock, steps, within, onLate } = options;
  if (steps.length < 2) throw new RangeError('chain: at least two steps');
  if (!Number.isFinite(within) || within < 0) throw new RangeError('chain: within must be ≥ 0 ms');
  const last = steps.length - 1;
  return eventTimeOperator<T, ChainMatch<T>>(clock, () => {
    /** Items of the steps before the last, by step then key. */
    const heldByStep = steps.slice(0, last).map(() => new Map<string, T[]>());
    const toForget = new EventTimeQueue<Held<T>>((a, b) => a.item.time - b.item.time);
    const lastsToMatch = new EventTimeQueue<Held<T>>(
      (a, b) => byTimeThenId(a.item, b.item) || a.arrival - b.arrival,
    );
    let arrivals = 0;

    const latest = (step: number, key: string, notAfter: number, notBefore: number, used: T[]) => {
      let best: T | undefined;
      for (const candidate of heldByStep[step]?.get(key) ?? []) {
        if (candidate.time > notAfter || candidate.time < notBefore || used.includes(candidate)) continue;
        if (
          !best ||
          candidate.time > best.time ||
          (candidate.time === best.time && compareStrings(idOf(candidate), idOf(best)) < 0)
        ) {
          best = candidate;
        }
      }
      return best;
    };
    const match = ({ key, item }: Held<T>, emit: (m: ChainMatch<T>) => void) => {
      const items = [item];
      for (let step = last - 1; step >= 0; step -= 1) {
        const found = latest(step, key, (items[0] as T).time, item.time - within, items);
        if (!found) return;
        items.unshift(found);
      }
      emit({ key, items });
    };
    const forget = ({ key, step, item }: Held<T>) => {
      const byKey = heldByStep[step];
      const held = byKey?.get(key) ?? [];
      held.splice(held.indexOf(item), 1);
      if (held.length === 0) byKey?.delete(key);
    };

    return {
      item(item) {
        const watermark = clock.watermark;
        let wanted = false;
        let kept = false;
        steps.forEach((stepKey, step) => {
          const key = stepKey(item);
          if (key === null) return;
          wanted = true;
          if (step === last) {
            if (item.time < watermark) return;
            lastsToMatch.push({ key, step, item, arrival: arrivals });
          } else {
            if (item.time + within < watermark) return;
            const byKey = heldByStep[step] as Map<string, T[]>;
            byKey.set(key, [...(byKey.get(key) ?? []), item]);
            toForget.push({ key, step, item, arrival: arrivals });
          }
          kept = true;
        });
        arrivals += 1;
        if (wanted && !kept) onLate?.(item);
      },
      advance(watermark, emit) {
        for (const held of lastsToMatch.popWhile((h) => h.item.time < watermark)) match(held, emit);
        for (const held of toForget.popWhile((h) => h.item.time + within < watermark)) forget(held);
      },
      flush(emit) {
        for (const held of lastsToMatch.popWhile(() => true)) match(held, emit);
      },
      release() {
        for (const byKey of heldByStep) byKey.clear();
        toForget.clear();
        lastsToMatch.clear();
      },
    };
  });
}

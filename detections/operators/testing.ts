import { type OperatorFunction, Subject } from 'rxjs';
import { WatermarkClock } from '../../processor/pipeline/watermarks.js';
import type { EventClock } from '../api.js';
import type { Timed } from './window-spec.js';

/** An operator output and when it came: after the push with this index, or at completion. */
export interface Emission<R> {
  after: number | 'complete';
  value: R;
}

/** An operator under test, driven like the pipeline drives detections. */
export interface Harness<T, R> {
  readonly clock: EventClock;
  readonly emissions: Emission<R>[];
  /** Items the operator reported late through the `onLate` it was built with. */
  readonly late: T[];
  readonly completed: boolean;
  push(item: T): void;
  /** End of input: the source completes (operators flush), then the clock. */
  complete(): void;
  unsubscribe(): void;
}

/** Builds the operator under test from the harness's clock and late-item collector. */
export type OperatorUnderTest<T, R> = (
  clock: EventClock,
  onLate: (item: T) => void,
) => OperatorFunction<T, R>;

/**
 * Starts an operator on one input with the real pipeline clock: each pushed item is delivered first,
 * then the watermark (max time seen − lateness) advances and due outputs are emitted synchronously.
 *
 *   const run = start((clock, onLate) => threshold({ clock, key, window: tumbling(5), atLeast: 2, onLate }), 2);
 *   run.push(item); run.complete(); run.emissions;
 */
export function start<T extends Timed, R>(operator: OperatorUnderTest<T, R>, lateness = 0): Harness<T, R> {
  const clock = new WatermarkClock(lateness);
  const source = new Subject<T>();
  const emissions: Emission<R>[] = [];
  const late: T[] = [];
  let pushed = 0;
  let after: number | 'complete' = -1;
  let completed = false;
  clock.open('test');
  const subscription = source.pipe(operator(clock, (item) => late.push(item))).subscribe({
    next: (value) => emissions.push({ after, value }),
    complete: () => {
      completed = true;
    },
  });
  return {
    clock,
    emissions,
    late,
    get completed() {
      return completed;
    },
    push(item) {
      after = pushed;
      pushed += 1;
      source.next(item);
      clock.observe('test', item.time);
    },
    complete() {
      after = 'complete';
      source.complete();
      clock.complete();
    },
    unsubscribe: () => subscription.unsubscribe(),
  };
}

/**
 * Pushes every item, completes, and returns what came out.
 *
 *   const { emissions, late } = play((clock) => windowBy({ clock, key, window: tumbling(10) }), items, 5);
 */
export function play<T extends Timed, R>(
  operator: OperatorUnderTest<T, R>,
  items: readonly T[],
  lateness = 0,
): Harness<T, R> {
  const run = start(operator, lateness);
  for (const item of items) run.push(item);
  run.complete();
  return run;
}

/**
 * `count` random arrival orders of the items in which none is late: each item arrives no more than
 * `lateness` behind the greatest time before it. Seeded, so a failing order can be reproduced.
 *
 *   for (const order of shuffles(items, minutes(5), 20)) expect(play(op, order, minutes(5)).emissions).toEqual(...);
 */
export function shuffles<T extends Timed>(
  items: readonly T[],
  lateness: number,
  count: number,
  seed = 1,
): T[][] {
  let state = seed;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  const orders: T[][] = [];
  while (orders.length < count) {
    const remaining = [...items].sort((a, b) => a.time - b.time);
    const order: T[] = [];
    while (remaining.length > 0) {
      // Anything within lateness of the oldest remaining item may come next without making that one late.
      const limit = (remaining[0] as T).time + lateness;
      const candidates = remaining.filter((item) => item.time <= limit).length;
      const [picked] = remaining.splice(Math.floor(random() * candidates), 1);
      order.push(picked as T);
    }
    orders.push(order);
  }
  return orders;
}

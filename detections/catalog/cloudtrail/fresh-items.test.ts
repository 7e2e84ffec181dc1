import { describe, expect, it } from 'vitest';
import { minutes, sliding, threshold, type WindowMatch } from '../../operators/index.js';
import { play } from '../../operators/testing.js';
import { type FreshMatch, freshItems } from './fresh-items.js';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
interface Failure {
  id: string;
  time: number;
  key: string;
}

/** One failure a minute, 30 s past the minute, for one key. */
const failures = (n: number): Failure[] =>
  Array.from({ length: n }, (_, k) => ({ id: `f${k}`, time: T0 + minutes(k) + 30_000, key: 'u' }));

describe('freshItems', () => {
  it('reports each qualifying sliding window only with the items no earlier window reported', () => {
    const run = play(
      (clock) => (items) =>
        items.pipe(
          threshold({
            clock,
            key: (item) => item.key,
            window: sliding(minutes(10), minutes(1)),
            atLeast: 10,
          }),
          freshItems(minutes(10)),
        ),
      failures(12),
      minutes(5),
    );
    expect(
      run.emissions.map(({ value }) => [value.match.window.start - T0, value.match.count, value.fresh]),
    ).toEqual([
      [0, 10, 10],
      [minutes(1), 10, 1],
      [minutes(2), 10, 1],
    ]);
  });

  it('drops a window whose items were all reported already', () => {
    const run = play(
      (clock) => (items) =>
        items.pipe(
          threshold({ clock, key: (item) => item.key, window: sliding(minutes(10), minutes(1)), atLeast: 9 }),
          freshItems(minutes(10)),
        ),
      failures(10),
      minutes(5),
    );
    // Windows starting at -1, 0 and +1 minute qualify; the last holds only items 1..9, all reported.
    expect(run.emissions.map(({ value }) => [value.match.window.start - T0, value.fresh])).toEqual([
      [-minutes(1), 9],
      [0, 1],
    ]);
  });

  it('counts the same when the watermark jumps past every window at once (a far later item on another key)', () => {
    const operator: Parameters<typeof play<Failure, FreshMatch<WindowMatch<Failure>>>>[0] =
      (clock) => (items) =>
        items.pipe(
          threshold({ clock, key: (item) => item.key, window: sliding(minutes(10), minutes(1)), atLeast: 8 }),
          freshItems(minutes(10)),
        );
    const summary = (run: ReturnType<typeof play<Failure, FreshMatch<WindowMatch<Failure>>>>) =>
      run.emissions.map(({ value }) => [value.match.window.start - T0, value.fresh]);
    const gradual = play(operator, failures(10), minutes(5));
    const jump = play(
      operator,
      [...failures(10), { id: 'later', time: T0 + minutes(120), key: 'v' }],
      minutes(5),
    );
    // Windows starting at -2..+2 minutes qualify; those at +1 and +2 repeat reported items only.
    expect(summary(gradual)).toEqual([
      [-minutes(2), 8],
      [-minutes(1), 1],
      [0, 1],
    ]);
    expect(summary(jump)).toEqual(summary(gradual));
  });
});

import { describe, expect, it } from 'vitest';
import { minutes, sliding, threshold } from '../../operators/index.js';
import { play } from '../../operators/testing.js';
import { freshItems } from './fresh-items.js';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
/** One failure a minute, 30 s past the minute, for one key. */
const failures = (n: number) =>
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
          freshItems(clock, minutes(10)),
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
          freshItems(clock, minutes(10)),
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
});

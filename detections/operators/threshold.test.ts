import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { SecurityEvent } from '../../schemas/types.js';
import { at, windowSummary, withoutTiming } from './test-items.js';
import { play, shuffles } from './testing.js';
import { threshold } from './threshold.js';
import { minutes, tumbling } from './window-spec.js';

const threeLaunches = (items: readonly SecurityEvent[], lateness = 0) =>
  play(
    (clock, onLate: (e: SecurityEvent) => void) =>
      threshold<SecurityEvent>({
        clock,
        key: (e) => e.account,
        window: tumbling(minutes(5)),
        atLeast: 3,
        onLate,
      }),
    items,
    lateness,
  );

describe('threshold', () => {
  const items = [
    at('e1', 'a', 0),
    at('e2', 'b', 1),
    at('e3', 'a', 2),
    at('e4', 'b', 3),
    at('e5', 'a', 4),
    at('e6', 'a', 6),
    at('e7', 'b', 9),
  ];

  it('emits the windows of a key with at least atLeast items, when they fire', () => {
    const run = threeLaunches(items, minutes(2));
    expect(run.emissions.map(windowSummary)).toEqual([
      { after: 6, key: 'a', window: [0, 5], ids: ['e1', 'e3', 'e5'], count: 3 },
    ]);
  });

  it('matches the same for every arrival order within lateness', () => {
    const expected = withoutTiming(threeLaunches(items, minutes(2)).emissions);
    for (const order of shuffles(items, minutes(2), 20)) {
      expect(withoutTiming(threeLaunches(order, minutes(2)).emissions)).toEqual(expected);
    }
  });

  it('does not count a late item', () => {
    const run = threeLaunches(
      [at('e1', 'a', 0), at('e2', 'a', 1), at('e3', 'a', 9), at('e4', 'a', 2)],
      minutes(1),
    );
    expect(run.late.map((e) => e.id)).toEqual(['e4']);
    expect(run.emissions).toEqual([]);
  });

  it('flushes a window that reached the threshold at completion', () => {
    const run = threeLaunches([at('e1', 'a', 0), at('e2', 'a', 1), at('e3', 'a', 2)]);
    expect(run.emissions.map(windowSummary)).toEqual([
      { after: 'complete', key: 'a', window: [0, 5], ids: ['e1', 'e2', 'e3'], count: 3 },
    ]);
  });

  it('rejects a threshold that is not a positive integer', () => {
    const clock = { watermark: 0, watermark$: new Subject<number>() };
    expect(() => threshold({ clock, key: () => 'k', window: tumbling(1), atLeast: 0 })).toThrow(
      'atLeast must be a positive integer, got 0',
    );
  });
});

import { describe, expect, it } from 'vitest';
import type { SecurityEvent } from '../../schemas/types.js';
import type { EventClock } from '../api.js';
import { type AggregateMatch, aggregate } from './aggregate.js';
import { at, withoutTiming } from './test-items.js';
import { type Emission, play, shuffles } from './testing.js';
import { minutes } from './window-spec.js';

/** Total bytes (the event's `count` stand-in: its errorCode as a number) and the largest item, by key. */
const bytes = (id: string, key: string, minute: number, amount: number) =>
  at(id, key, minute, { errorCode: String(amount) });

const totals = (clock: EventClock, onLate: (e: SecurityEvent) => void) =>
  aggregate<SecurityEvent, { total: number; largest: string }>({
    clock,
    key: (e) => e.account,
    size: minutes(10),
    seed: () => ({ total: 0, largest: '' }),
    add: (sum, e) => {
      const amount = Number(e.errorCode);
      return { total: sum.total + amount, largest: amount > sum.total ? e.id : sum.largest };
    },
    onLate,
  });

const summary = (run: { emissions: Emission<AggregateMatch<{ total: number }>>[] }) =>
  run.emissions.map(({ after, value }) => [
    after,
    value.key,
    value.window.start / minutes(1),
    value.value.total,
  ]);

describe('aggregate', () => {
  const items = [
    bytes('a1', 'a', 1, 100),
    bytes('b1', 'b', 2, 5),
    bytes('a2', 'a', 9, 50),
    bytes('a3', 'a', 11, 7),
    bytes('b2', 'b', 14, 1),
    bytes('a4', 'a', 25, 3),
  ];

  it('emits each key and window total once the watermark reaches the window end, in (end, start, key) order', () => {
    const run = play(totals, items, minutes(2));
    expect(summary(run)).toEqual([
      [4, 'a', 0, 150],
      [4, 'b', 0, 5],
      [5, 'a', 10, 7],
      [5, 'b', 10, 1],
      ['complete', 'a', 20, 3],
    ]);
  });

  it('gives the same totals for any arrival order within lateness', () => {
    const expected = withoutTiming(play(totals, items, minutes(2)).emissions).map((m) => [
      m.key,
      m.window,
      m.value.total,
    ]);
    for (const order of shuffles(items, minutes(2), 20))
      expect(
        withoutTiming(play(totals, order, minutes(2)).emissions).map((m) => [m.key, m.window, m.value.total]),
      ).toEqual(expected);
  });

  it('drops and reports an item whose window has fired', () => {
    const run = play(totals, [bytes('a1', 'a', 1, 1), bytes('a2', 'a', 30, 1), bytes('a3', 'a', 5, 1)]);
    expect(run.late.map((e) => e.id)).toEqual(['a3']);
    expect(summary(run).map((row) => row.slice(1))).toEqual([
      ['a', 0, 1],
      ['a', 30, 1],
    ]);
  });

  it('rejects a size that is not positive', () => {
    expect(() => totals({ watermark: 0 } as EventClock, () => {})).not.toThrow();
    expect(() =>
      aggregate({ clock: {} as EventClock, key: () => 'k', size: 0, seed: () => 0, add: (n) => n }),
    ).toThrow(RangeError);
  });
});

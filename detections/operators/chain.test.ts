import { describe, expect, it } from 'vitest';
import type { SecurityEvent } from '../../schemas/types.js';
import type { EventClock } from '../api.js';
import { type ChainMatch, chain } from './chain.js';
import { at, withoutTiming } from './test-items.js';
import { type Emission, play, shuffles } from './testing.js';
import { minutes } from './window-spec.js';

const step = (action: string) => (e: SecurityEvent) => (e.action === action ? e.account : null);
const stop = (id: string, key: string, minute: number) => at(id, key, minute, { action: 'stop' });
const modify = (id: string, key: string, minute: number) => at(id, key, minute, { action: 'modify' });
const begin = (id: string, key: string, minute: number) => at(id, key, minute, { action: 'start' });

const stopModifyStart = (clock: EventClock, onLate: (e: SecurityEvent) => void) =>
  chain<SecurityEvent>({
    clock,
    steps: [step('stop'), step('modify'), step('start')],
    within: minutes(30),
    onLate,
  });

const ids = (emissions: readonly Emission<ChainMatch<SecurityEvent>>[]) =>
  emissions.map(({ after, value }) => [after, value.key, ...value.items.map((item) => item.id)]);

describe('chain', () => {
  const items = [
    stop('s1', 'a', 0),
    modify('m1', 'a', 2),
    stop('s2', 'a', 3), // after m1: cannot open the chain that m1 continues
    begin('b1', 'a', 5), // s1 → m1 → b1
    modify('m2', 'b', 6),
    begin('b2', 'b', 7), // no stop for b
    stop('s3', 'a', 10),
    modify('m3', 'a', 12),
    modify('m4', 'a', 12), // same time as m3: the smaller id plays the step
    begin('b3', 'a', 40), // s3 is exactly 30 minutes back: inclusive
    begin('b4', 'a', 41), // s3 is 31 minutes back
  ];

  it('matches each last step with the latest earlier steps of its key, in order, once the watermark passes it', () => {
    const run = play(stopModifyStart, items, minutes(3));
    expect(ids(run.emissions)).toEqual([
      [6, 'a', 's1', 'm1', 'b1'],
      ['complete', 'a', 's3', 'm3', 'b3'],
    ]);
  });

  it('gives the same matches for any arrival order within lateness', () => {
    const expected = withoutTiming(play(stopModifyStart, items, minutes(3)).emissions);
    const orders = shuffles(items, minutes(3), 30);
    for (const order of orders)
      expect(withoutTiming(play(stopModifyStart, order, minutes(3)).emissions)).toEqual(expected);
    expect(orders.some((order) => order.indexOf(items[3] as SecurityEvent) < 2)).toBe(true);
  });

  it('drops and reports a last step behind the watermark and an earlier step too old to match', () => {
    const run = play(stopModifyStart, [
      stop('s1', 'a', 0),
      modify('m1', 'a', 1),
      begin('b0', 'a', 50),
      begin('b1', 'a', 2), // behind the watermark (50)
      stop('s2', 'a', 10), // 10 + 30 < 50
    ]);
    expect(run.late.map((e) => e.id)).toEqual(['b1', 's2']);
    expect(ids(run.emissions)).toEqual([]);
  });

  it('uses an item for one step of a match only', () => {
    const any = (e: SecurityEvent) => e.account;
    const run = play(
      (clock) => chain<SecurityEvent>({ clock, steps: [any, any, any], within: minutes(10) }),
      [at('x1', 'a', 0), at('x2', 'a', 1)],
    );
    expect(ids(run.emissions)).toEqual([]);
  });

  it('rejects fewer than two steps and a negative limit', () => {
    expect(() => chain({ clock: {} as EventClock, steps: [step('a')], within: 1 })).toThrow(RangeError);
    expect(() => chain({ clock: {} as EventClock, steps: [step('a'), step('b')], within: -1 })).toThrow(
      RangeError,
    );
  });
});

import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { SecurityEvent } from '../../schemas/types.js';
import type { EventClock } from '../api.js';
import { sequence } from './sequence.js';
import { at, withoutTiming } from './test-items.js';
import { play, shuffles } from './testing.js';
import { minutes } from './window-spec.js';

const first = (id: string, key: string, minute: number) =>
  at(id, key, minute, { action: 'guardduty:finding' });
const then = (id: string, key: string, minute: number) => at(id, key, minute, { action: 'sts:AssumeRole' });

const findingThenUse = (clock: EventClock, onLate: (e: SecurityEvent) => void) =>
  sequence<SecurityEvent>({
    clock,
    first: (e) => (e.action === 'guardduty:finding' ? e.account : null),
    // biome-ignore lint/suspicious/noThenProperty: the operator option is named `then`; never awaited
    then: (e) => (e.action === 'sts:AssumeRole' ? e.account : null),
    within: minutes(10),
    onLate,
  });

const pairs = (run: {
  emissions: {
    after: number | 'complete';
    value: { key: string; first: SecurityEvent; then: SecurityEvent };
  }[];
}) => run.emissions.map(({ after, value }) => [after, value.key, value.first.id, value.then.id]);

describe('sequence', () => {
  const items = [
    first('f1', 'a', 0),
    first('f2', 'a', 2),
    then('t1', 'a', 5), // latest first: f2
    then('t2', 'b', 6), // no first for b
    first('f4', 'a', 15),
    first('f3', 'a', 15), // same time as f4: smaller id wins
    then('t3', 'a', 20), // f1, f2 are more than 10 min back
    then('t4', 'a', 25), // f3 exactly 10 min back: inclusive
  ];

  it('matches each then with the latest first of its key within the limit, once the watermark passes it', () => {
    const run = play(findingThenUse, items, minutes(3));
    expect(pairs(run)).toEqual([
      [4, 'a', 'f2', 't1'],
      [7, 'a', 'f3', 't3'],
      ['complete', 'a', 'f3', 't4'],
    ]);
  });

  it('gives the same matches for any arrival order within lateness, firsts arriving after thens included', () => {
    const expected = withoutTiming(play(findingThenUse, items, minutes(3)).emissions);
    const orders = shuffles(items, minutes(3), 30);
    for (const order of orders)
      expect(withoutTiming(play(findingThenUse, order, minutes(3)).emissions)).toEqual(expected);
    expect(
      orders.some(
        (order) => order.indexOf(items[2] as SecurityEvent) < order.indexOf(items[1] as SecurityEvent),
      ),
    ).toBe(true);
  });

  it('drops and reports a then behind the watermark and a first too old to match anything', () => {
    const run = play(findingThenUse, [
      first('f1', 'a', 0),
      then('t1', 'a', 30),
      then('t2', 'a', 5),
      first('f2', 'a', 15),
    ]);
    expect(run.late.map((e) => e.id)).toEqual(['t2', 'f2']);
    expect(pairs(run)).toEqual([]);
  });

  it('never matches an item that is both first and then with itself', () => {
    const login = (id: string, minute: number) => at(id, 'a', minute, { action: 'signin:ConsoleLogin' });
    const run = play(
      (clock) =>
        sequence<SecurityEvent>({
          clock,
          first: (e) => e.account,
          // biome-ignore lint/suspicious/noThenProperty: the operator option is named `then`; never awaited
          then: (e) => e.account,
          within: minutes(10),
        }),
      [login('x1', 0), login('x2', 4), login('x3', 30)],
    );
    expect(pairs(run)).toEqual([[2, 'a', 'x1', 'x2']]);
  });

  it('emits nothing after unsubscribe and releases the clock', () => {
    const watermark$ = new Subject<number>();
    const source = new Subject<SecurityEvent>();
    const out: unknown[] = [];
    const subscription = source
      .pipe(findingThenUse({ watermark: Number.NEGATIVE_INFINITY, watermark$ }, () => {}))
      .subscribe((m) => out.push(m));
    source.next(first('f1', 'a', 0));
    source.next(then('t1', 'a', 1));
    subscription.unsubscribe();
    watermark$.next(minutes(5));
    source.complete();
    expect(out).toEqual([]);
    expect(watermark$.observed).toBe(false);
  });
});

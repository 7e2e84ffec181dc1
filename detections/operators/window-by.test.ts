import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { SecurityEvent } from '../../schemas/types.js';
import { at, windowSummary, withoutTiming } from './test-items.js';
import { play, shuffles, start } from './testing.js';
import { windowBy } from './window-by.js';
import { minutes, session, sliding, tumbling, type WindowSpec } from './window-spec.js';

const byAccount =
  (window: WindowSpec) =>
  (clock: Parameters<typeof windowBy>[0]['clock'], onLate: (e: SecurityEvent) => void) =>
    windowBy<SecurityEvent>({ clock, key: (e) => e.account, window, onLate });

describe('windowBy', () => {
  it('fires tumbling windows when the watermark reaches their end, in (end, start, key) order', () => {
    const run = play(byAccount(tumbling(minutes(5))), [
      at('e1', 'b', 0),
      at('e2', 'a', 1),
      at('e3', 'b', 4),
      at('e4', 'a', 5), // watermark 5: [0,5) fires for a, then b
      at('e5', 'a', 9),
    ]);
    expect(run.emissions.map(windowSummary)).toEqual([
      { after: 3, key: 'a', window: [0, 5], ids: ['e2'], count: 1 },
      { after: 3, key: 'b', window: [0, 5], ids: ['e1', 'e3'], count: 2 },
      { after: 'complete', key: 'a', window: [5, 10], ids: ['e4', 'e5'], count: 2 },
    ]);
    expect(run.completed).toBe(true);
  });

  it('drops windows with fewer than minItems items when they fire, keeping the order of the rest', () => {
    const run = play(
      (clock, onLate) =>
        windowBy<SecurityEvent>({
          clock,
          key: (e) => e.account,
          window: sliding(minutes(4), minutes(2)),
          onLate,
          minItems: 2,
        }),
      [
        at('e1', 'c', 0),
        at('e2', 'b', 1),
        at('e3', 'a', 1),
        at('e4', 'b', 3),
        at('e5', 'a', 3),
        at('e6', 'c', 9),
      ],
    );
    // [−2, 2), [2, 6) and c's [0, 4) hold one item each; only a's and b's [0, 4) hold two.
    expect(run.emissions.map(windowSummary)).toEqual([
      { after: 5, key: 'a', window: [0, 4], ids: ['e3', 'e5'], count: 2 },
      { after: 5, key: 'b', window: [0, 4], ids: ['e2', 'e4'], count: 2 },
    ]);
  });

  it('holds a window until the watermark (max time − lateness) passes its end', () => {
    const run = play(
      byAccount(tumbling(minutes(5))),
      [at('e1', 'a', 0), at('e2', 'a', 7), at('e3', 'a', 8)],
      minutes(3),
    );
    expect(run.emissions.map(windowSummary)).toEqual([
      { after: 2, key: 'a', window: [0, 5], ids: ['e1'], count: 1 },
      { after: 'complete', key: 'a', window: [5, 10], ids: ['e2', 'e3'], count: 2 },
    ]);
  });

  it('gives the same windows, items sorted by (time, id), for any arrival order within lateness', () => {
    const items = [0, 1, 1, 3, 4, 5, 6, 9, 10, 12].map((m, i) => at(`e${i}`, i % 2 === 0 ? 'a' : 'b', m));
    const inOrder = withoutTiming(play(byAccount(tumbling(minutes(5))), items, minutes(4)).emissions);
    expect(inOrder.map((m) => [m.key, m.window.start / minutes(1), m.items.map((e) => e.id)])).toEqual([
      ['a', 0, ['e0', 'e2', 'e4']],
      ['b', 0, ['e1', 'e3']],
      ['a', 5, ['e6']],
      ['b', 5, ['e5', 'e7']],
      ['a', 10, ['e8']],
      ['b', 10, ['e9']],
    ]);
    const orders = shuffles(items, minutes(4), 25);
    for (const order of orders) {
      const run = play(byAccount(tumbling(minutes(5))), order, minutes(4));
      expect(run.late).toEqual([]);
      expect(withoutTiming(run.emissions)).toEqual(inOrder);
    }
    expect(orders.some((order) => order.some((item, i) => item !== items[i]))).toBe(true);
  });

  it('drops and reports an item whose windows all fired, but keeps one whose window is still open', () => {
    const run = play(
      byAccount(tumbling(minutes(5))),
      [
        at('e1', 'a', 0),
        at('e2', 'a', 10), // watermark 9: [0,5) fires
        at('e3', 'a', 3), // its only window fired: late
        at('e4', 'a', 5), // behind the watermark, but [5,10) has not fired: counted
      ],
      minutes(1),
    );
    expect(run.late.map((e) => e.id)).toEqual(['e3']);
    expect(run.emissions.map(windowSummary)).toEqual([
      { after: 1, key: 'a', window: [0, 5], ids: ['e1'], count: 1 },
      { after: 'complete', key: 'a', window: [5, 10], ids: ['e4'], count: 1 },
      { after: 'complete', key: 'a', window: [10, 15], ids: ['e2'], count: 1 },
    ]);
  });

  it('puts an item in every sliding window holding it, and only in the open ones when some fired', () => {
    const run = play(byAccount(sliding(minutes(10), minutes(5))), [
      at('e1', 'a', 7),
      at('e2', 'a', 12), // watermark 12: [0,10) fires
      at('e3', 'a', 8), // [0,10) fired, [5,15) open: lands there only, not late
    ]);
    expect(run.late).toEqual([]);
    expect(run.emissions.map(windowSummary)).toEqual([
      { after: 1, key: 'a', window: [0, 10], ids: ['e1'], count: 1 },
      { after: 'complete', key: 'a', window: [5, 15], ids: ['e1', 'e3', 'e2'], count: 3 },
      { after: 'complete', key: 'a', window: [10, 20], ids: ['e2'], count: 1 },
    ]);
  });

  it('ends a session at last item + gap and merges sessions an out-of-order item bridges', () => {
    const items = [at('e1', 'a', 0), at('e5', 'b', 1), at('e2', 'a', 8), at('e3', 'a', 4), at('e4', 'a', 30)];
    const run = play(byAccount(session(minutes(5))), items, minutes(10));
    expect(run.emissions.map(windowSummary)).toEqual([
      { after: 4, key: 'b', window: [1, 6], ids: ['e5'], count: 1 },
      { after: 4, key: 'a', window: [0, 13], ids: ['e1', 'e3', 'e2'], count: 3 },
      { after: 'complete', key: 'a', window: [30, 35], ids: ['e4'], count: 1 },
    ]);
    for (const order of shuffles(items, minutes(10), 20)) {
      expect(withoutTiming(play(byAccount(session(minutes(5))), order, minutes(10)).emissions)).toEqual(
        withoutTiming(run.emissions),
      );
    }
  });

  it('fires a session when the watermark reaches last + gap; an item exactly gap later starts a new one', () => {
    const run = play(byAccount(session(minutes(5))), [at('e1', 'a', 0), at('e2', 'a', 5), at('e3', 'a', 11)]);
    expect(run.emissions.map(windowSummary)).toEqual([
      { after: 1, key: 'a', window: [0, 5], ids: ['e1'], count: 1 },
      { after: 2, key: 'a', window: [5, 10], ids: ['e2'], count: 1 },
      { after: 'complete', key: 'a', window: [11, 16], ids: ['e3'], count: 1 },
    ]);
  });

  it('caps a session at maxSize between first and last item', () => {
    const run = play(
      byAccount(session(minutes(5), minutes(6))),
      [0, 3, 6, 9].map((m) => at(`e${m}`, 'a', m)),
    );
    expect(run.emissions.map(windowSummary)).toEqual([
      { after: 'complete', key: 'a', window: [0, 11], ids: ['e0', 'e3', 'e6'], count: 3 },
      { after: 'complete', key: 'a', window: [9, 14], ids: ['e9'], count: 1 },
    ]);
  });

  it('reports a session item late only when it joins no open session and its own gap has passed', () => {
    const run = play(byAccount(session(minutes(5))), [
      at('e1', 'a', 10),
      at('e2', 'a', 20), // watermark 20: [10,15) fired
      at('e3', 'a', 16), // joins the open session of e2
      at('e4', 'a', 9), // joins nothing open (the session of e1 fired), 9 + 5 ≤ 20: late
    ]);
    expect(run.late.map((e) => e.id)).toEqual(['e4']);
    expect(run.emissions.map(windowSummary)).toEqual([
      { after: 1, key: 'a', window: [10, 15], ids: ['e1'], count: 1 },
      { after: 'complete', key: 'a', window: [16, 25], ids: ['e3', 'e2'], count: 2 },
    ]);
  });

  it('skips items whose key is null', () => {
    const run = play(
      (clock) =>
        windowBy<SecurityEvent>({
          clock,
          key: (e) => e.principal?.name ?? null,
          window: tumbling(minutes(5)),
        }),
      [
        at('e1', 'a', 0, {
          principal: {
            type: 'IAMUser',
            arn: null,
            name: 'alice',
            account: null,
            sessionIssuer: null,
            mfa: null,
            accessKeyId: null,
          },
        }),
        at('e2', 'a', 1),
      ],
    );
    expect(run.emissions.map(windowSummary)).toEqual([
      { after: 'complete', key: 'alice', window: [0, 5], ids: ['e1'], count: 1 },
    ]);
  });

  it('emits nothing after unsubscribe and lets go of the clock', () => {
    const watermark$ = new Subject<number>();
    const clock = { watermark: Number.NEGATIVE_INFINITY, watermark$ };
    const source = new Subject<SecurityEvent>();
    const out: unknown[] = [];
    const subscription = source
      .pipe(byAccount(tumbling(minutes(5)))(clock, () => {}))
      .subscribe((m) => out.push(m));
    source.next(at('e1', 'a', 0));
    subscription.unsubscribe();
    expect(watermark$.observed).toBe(false);
    expect(source.observed).toBe(false);
    watermark$.next(minutes(10));
    source.complete();
    expect(out).toEqual([]);
  });

  it('keeps state per subscription', () => {
    const run = start(byAccount(tumbling(minutes(5))));
    run.push(at('e1', 'a', 0));
    const second = play(byAccount(tumbling(minutes(5))), [at('e2', 'a', 1)]);
    run.complete();
    expect(second.emissions.map(windowSummary)).toEqual([
      { after: 'complete', key: 'a', window: [0, 5], ids: ['e2'], count: 1 },
    ]);
    expect(run.emissions.map(windowSummary)).toEqual([
      { after: 'complete', key: 'a', window: [0, 5], ids: ['e1'], count: 1 },
    ]);
  });

  it('turns a throwing key function into an error notification', () => {
    const source = new Subject<SecurityEvent>();
    const clock = { watermark: 0, watermark$: new Subject<number>() };
    const errors: unknown[] = [];
    source
      .pipe(
        windowBy<SecurityEvent>({
          clock,
          key: () => {
            throw new Error('bad key');
          },
          window: tumbling(1),
        }),
      )
      .subscribe({ error: (error: unknown) => errors.push((error as Error).message) });
    source.next(at('e1', 'a', 0));
    expect(errors).toEqual(['bad key']);
    expect(clock.watermark$.observed).toBe(false);
  });
});

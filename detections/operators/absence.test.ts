import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { SecurityEvent } from '../../schemas/types.js';
import type { EventClock } from '../api.js';
import { absence } from './absence.js';
import { at, withoutTiming } from './test-items.js';
import { play, shuffles } from './testing.js';
import { minutes } from './window-spec.js';

const stop = (id: string, key: string, minute: number) =>
  at(id, key, minute, { action: 'cloudtrail:StopLogging' });
const start = (id: string, key: string, minute: number) =>
  at(id, key, minute, { action: 'cloudtrail:StartLogging' });
const other = (id: string, key: string, minute: number) =>
  at(id, key, minute, { action: 'ec2:DescribeInstances' });

const notRestarted = (clock: EventClock, onLate: (e: SecurityEvent) => void) =>
  absence<SecurityEvent>({
    clock,
    first: (e) => (e.action === 'cloudtrail:StopLogging' ? e.account : null),
    // biome-ignore lint/suspicious/noThenProperty: the operator option is named `then`; never awaited
    then: (e) => (e.action === 'cloudtrail:StartLogging' ? e.account : null),
    within: minutes(10),
    onLate,
  });

const ids = (run: { emissions: { after: number | 'complete'; value: SecurityEvent }[] }) =>
  run.emissions.map(({ after, value }) => [after, value.id]);

describe('absence', () => {
  const items = [
    stop('s1', 'a', 0),
    stop('s2', 'b', 1), // never restarted
    start('r1', 'a', 8), // restarts a within 10 min: s1 cancelled
    stop('s3', 'a', 20),
    start('r2', 'a', 31), // 11 min after s3: too late to cancel it
    start('r3', 'c', 50),
    stop('s4', 'c', 48), // arrives after its restart, within lateness: cancelled
    other('x1', 'c', 52),
    stop('s5', 'd', 52), // pending at the end of input
  ];

  it('emits a first with no then of its key in [first, first + within], once the watermark passes the deadline', () => {
    const run = play(notRestarted, items, minutes(3));
    expect(ids(run)).toEqual([
      [3, 's2'],
      [5, 's3'],
      ['complete', 's5'],
    ]);
  });

  it('gives the same output for any arrival order within lateness', () => {
    const expected = withoutTiming(play(notRestarted, items, minutes(3)).emissions);
    for (const order of shuffles(items, minutes(3), 30)) {
      expect(withoutTiming(play(notRestarted, order, minutes(3)).emissions)).toEqual(expected);
    }
  });

  it('orders emissions at one watermark step by (deadline, id)', () => {
    const run = play(notRestarted, [
      stop('s9', 'x', 0),
      stop('s8', 'y', 0),
      stop('s7', 'z', 1),
      other('x1', 'x', 30),
    ]);
    expect(ids(run)).toEqual([
      [3, 's8'],
      [3, 's9'],
      [3, 's7'],
    ]);
  });

  it('drops and reports a first whose deadline had passed when it arrived', () => {
    const run = play(notRestarted, [other('x1', 'a', 30), stop('s1', 'a', 5), stop('s2', 'a', 25)]);
    expect(run.late.map((e) => e.id)).toEqual(['s1']);
    expect(ids(run)).toEqual([['complete', 's2']]);
  });

  it('lets an item that is both first and then cancel earlier ones but not itself (heartbeats)', () => {
    const beat = (id: string, minute: number) => other(id, 'a', minute);
    const run = play(
      (clock) =>
        absence<SecurityEvent>({
          clock,
          first: (e) => e.account,
          // biome-ignore lint/suspicious/noThenProperty: the operator option is named `then`; never awaited
          then: (e) => e.account,
          within: minutes(10),
        }),
      [beat('h1', 0), beat('h2', 5), beat('h3', 30)],
    );
    expect(ids(run)).toEqual([
      [2, 'h2'],
      ['complete', 'h3'],
    ]);
  });

  it('emits nothing after unsubscribe and releases the clock', () => {
    const watermark$ = new Subject<number>();
    const source = new Subject<SecurityEvent>();
    const out: unknown[] = [];
    const subscription = source
      .pipe(notRestarted({ watermark: Number.NEGATIVE_INFINITY, watermark$ }, () => {}))
      .subscribe((e) => out.push(e));
    source.next(stop('s1', 'a', 0));
    subscription.unsubscribe();
    watermark$.next(minutes(60));
    source.complete();
    expect(out).toEqual([]);
    expect(watermark$.observed).toBe(false);
  });
});

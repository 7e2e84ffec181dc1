import { type Observable, Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../schemas/types.js';
import type { EventClock } from '../api.js';
import { stableId } from '../finding.js';
import { dedup } from './dedup.js';
import { eventTimeOperator } from './event-time-operator.js';
import { EventTimeQueue } from './event-time-queue.js';
import { play, shuffles } from './testing.js';
import { minutes } from './window-spec.js';

const finding = (
  id: string,
  key: string,
  minute: number,
  evidence: string[],
  count = evidence.length,
): Finding => ({
  id,
  detection: 'guardduty-high-severity-finding',
  title: `finding ${id}`,
  description: `about ${key}`,
  severity: 'high',
  tier: 'alert',
  riskScore: 75,
  time: minutes(minute),
  window: null,
  account: '111122223333',
  region: 'us-east-1',
  principal: null,
  resources: [],
  mitre: [],
  evidence,
  count,
  runbook: 'https://example.com/runbook',
  remediation: 'fix it',
  dedupKey: key,
  context: {},
});

const hourly = (clock: Parameters<typeof dedup>[0]['clock']) => dedup({ clock, period: minutes(60) });
const bucketId = (key: string, startMinute: number) =>
  stableId('guardduty-high-severity-finding', 'dedup', key, minutes(startMinute));
const summary = (run: { emissions: { after: number | 'complete'; value: Finding }[] }) =>
  run.emissions.map(({ after, value }) => ({
    after,
    id: value.id,
    title: value.title,
    minute: value.time / minutes(1),
    count: value.count,
    evidence: value.evidence,
  }));

describe('dedup', () => {
  const items = [
    finding('f1', 'i-1', 10, ['e1']),
    finding('f2', 'i-1', 20, ['e2', 'e1']),
    finding('f3', 'i-1', 5, ['e3']),
    finding('f4', 'i-2', 15, ['e4']),
    finding('f5', 'i-1', 70, ['e5']),
  ];

  it('passes the first of a bucket at once and rolls the rest up when the bucket closes', () => {
    const run = play(hourly, items, minutes(30));
    expect(summary(run)).toEqual([
      { after: 0, id: bucketId('i-1', 0), title: 'finding f1', minute: 10, count: 1, evidence: ['e1'] },
      { after: 3, id: bucketId('i-2', 0), title: 'finding f4', minute: 15, count: 1, evidence: ['e4'] },
      { after: 4, id: bucketId('i-1', 60), title: 'finding f5', minute: 70, count: 1, evidence: ['e5'] },
      // earliest finding (f3) with summed count and evidence in (time, id) order; i-2 had no repeat
      {
        after: 'complete',
        id: bucketId('i-1', 0),
        title: 'finding f3',
        minute: 5,
        count: 4,
        evidence: ['e3', 'e1', 'e2'],
      },
    ]);
  });

  it('rolls up identically whatever the arrival order within lateness', () => {
    const rollUp = (run: { emissions: { after: number | 'complete'; value: Finding }[] }) =>
      run.emissions.filter(({ after }) => after === 'complete').map(({ value }) => value);
    const expected = rollUp(play(hourly, items, minutes(30)));
    expect(expected).toHaveLength(1);
    for (const order of shuffles(items, minutes(30), 20))
      expect(rollUp(play(hourly, order, minutes(30)))).toEqual(expected);
  });

  it('fires the roll-up when the watermark reaches the bucket end, and passes a late finding alone', () => {
    const run = play(hourly, [
      finding('f1', 'i-1', 10, ['e1']),
      finding('f2', 'i-1', 20, ['e2']),
      finding('f3', 'i-1', 65, ['e3']), // watermark 60: bucket [0, 60) closes
      finding('f4', 'i-1', 30, ['e4']), // its bucket closed: passes alone with the bucket id
    ]);
    expect(summary(run)).toEqual([
      { after: 0, id: bucketId('i-1', 0), title: 'finding f1', minute: 10, count: 1, evidence: ['e1'] },
      { after: 2, id: bucketId('i-1', 60), title: 'finding f3', minute: 65, count: 1, evidence: ['e3'] },
      { after: 2, id: bucketId('i-1', 0), title: 'finding f1', minute: 10, count: 2, evidence: ['e1', 'e2'] },
      { after: 3, id: bucketId('i-1', 0), title: 'finding f4', minute: 30, count: 1, evidence: ['e4'] },
    ]);
  });

  it(`caps the roll-up's evidence at 20 ids, earliest first, whatever the order`, () => {
    const many = Array.from({ length: 30 }, (_, i) => finding(`f${i}`, 'i-1', i, [`e${i}`]));
    const expected = Array.from({ length: 20 }, (_, i) => `e${i}`);
    for (const order of [many, [...many].reverse()]) {
      const last = play(hourly, order, minutes(60)).emissions.at(-1)?.value;
      expect(last?.evidence).toEqual(expected);
      expect(last?.count).toBe(30);
    }
  });

  it('spans the windows of merged windowed findings', () => {
    const windowed = (id: string, start: number) => ({
      ...finding(id, 'k', start + 10, [id]),
      window: { start: minutes(start), end: minutes(start + 10) },
    });
    const last = play(hourly, [windowed('w1', 20), windowed('w2', 0)], minutes(60)).emissions.at(-1)?.value;
    expect(last?.window).toEqual({ start: 0, end: minutes(30) });
  });

  it('emits no roll-up after unsubscribe and releases the clock', () => {
    const watermark$ = new Subject<number>();
    const source = new Subject<Finding>();
    const out: Finding[] = [];
    const subscription = source
      .pipe(hourly({ watermark: Number.NEGATIVE_INFINITY, watermark$ }))
      .subscribe((f) => out.push(f));
    source.next(finding('f1', 'i-1', 10, ['e1']));
    source.next(finding('f2', 'i-1', 11, ['e2']));
    subscription.unsubscribe();
    watermark$.next(minutes(120));
    source.complete();
    expect(out.map((f) => f.count)).toEqual([1]);
    expect(watermark$.observed).toBe(false);
  });

  describe('behind an operator that emits as the watermark advances', () => {
    interface Item {
      id: string;
      time: number;
      key: string;
    }
    /** A window [time, time + 10 min) per item, emitted as a windowed finding once the watermark passes its end. */
    const windowPerItem = (clock: EventClock) =>
      eventTimeOperator<Item, Finding>(clock, () => {
        const due = new EventTimeQueue<Item>((a, b) => a.time - b.time);
        const fire = (item: Item, emit: (finding: Finding) => void) =>
          emit({
            ...finding(item.id, item.key, item.time / minutes(1), [item.id]),
            window: { start: item.time, end: item.time + minutes(10) },
          });
        return {
          item: (item) => due.push(item),
          advance(watermark, emit) {
            for (const item of due.popWhile((i) => i.time + minutes(10) <= watermark)) fire(item, emit);
          },
          flush(emit) {
            for (const item of due.popWhile(() => true)) fire(item, emit);
          },
          release: () => due.clear(),
        };
      });
    const chain = (clock: EventClock) => (items: Observable<Item>) =>
      items.pipe(windowPerItem(clock), hourly(clock));
    const onK = (run: { emissions: { value: Finding }[] }) =>
      run.emissions
        .filter(({ value }) => value.dedupKey === 'k')
        .map(({ value }) => [value.title, value.count]);
    // Windows end at 35 and 55, inside the bucket [0, 60), and at 68, after it.
    const a = { id: 'a', time: minutes(25), key: 'k' };
    const b = { id: 'b', time: minutes(45), key: 'k' };
    const c = { id: 'c', time: minutes(58), key: 'k' };
    const tick = (minute: number) => ({ id: `t${minute}`, time: minutes(minute), key: 'tick' });

    it('merges the same findings whether the watermark creeps past each window or jumps past all', () => {
      const creep = play(chain, [a, tick(36), b, tick(56), c, tick(70)]);
      const jump = play(chain, [a, b, c, tick(200)]);
      const expected = [
        ['finding a', 1],
        ['finding c', 1], // due at 68, after its bucket closed at 60: alone with its own count
        ['finding a', 2], // the roll-up of a and b
      ];
      expect(onK(creep)).toEqual(expected);
      expect(onK(jump)).toEqual(expected);
    });
  });
});

import { describe, expect, it } from 'vitest';
import type { SecurityEvent } from '../../schemas/types.js';
import { distinctCount } from './distinct-count.js';
import { at, withoutTiming } from './test-items.js';
import { play, shuffles } from './testing.js';
import { minutes, sliding } from './window-spec.js';

const failedLogin = (id: string, ip: string, minute: number, user: string | null) =>
  at(id, '111122223333', minute, {
    srcIp: ip,
    principal:
      user === null
        ? null
        : {
            type: 'IAMUser',
            arn: null,
            name: user,
            account: null,
            sessionIssuer: null,
            mfa: null,
            accessKeyId: null,
          },
  });

const spraying = (clock: Parameters<typeof distinctCount>[0]['clock'], onLate: (e: SecurityEvent) => void) =>
  distinctCount<SecurityEvent>({
    clock,
    key: (e) => e.srcIp,
    distinct: (e) => e.principal?.name ?? null,
    window: sliding(minutes(10), minutes(5)),
    atLeast: 3,
    onLate,
  });

const summary = (m: {
  key: string;
  window: { start: number };
  values: string[];
  items: SecurityEvent[];
  count: number;
}) => ({
  key: m.key,
  start: m.window.start / minutes(1),
  values: m.values,
  ids: m.items.map((e) => e.id),
  count: m.count,
});

describe('distinctCount', () => {
  const items = [
    failedLogin('e1', '198.51.100.7', 1, 'carol'),
    failedLogin('e2', '198.51.100.7', 2, 'alice'),
    failedLogin('e3', '198.51.100.7', 3, 'alice'),
    failedLogin('e4', '198.51.100.7', 4, null), // no user: not counted, not listed
    failedLogin('e5', '203.0.113.9', 5, 'alice'),
    failedLogin('e6', '198.51.100.7', 7, 'bob'),
  ];

  it('emits windows with at least atLeast distinct values, sorted, with the items that carry one', () => {
    const run = play(spraying, items, minutes(1));
    expect(run.emissions.map((e) => ({ after: e.after, ...summary(e.value) }))).toEqual([
      {
        after: 'complete',
        key: '198.51.100.7',
        start: 0,
        values: ['alice', 'bob', 'carol'],
        ids: ['e1', 'e2', 'e3', 'e6'],
        count: 4,
      },
    ]);
  });

  it('gives the same matches for any arrival order within lateness', () => {
    const expected = withoutTiming(play(spraying, items, minutes(3)).emissions);
    for (const order of shuffles(items, minutes(3), 20)) {
      expect(withoutTiming(play(spraying, order, minutes(3)).emissions)).toEqual(expected);
    }
  });

  it('reports late items and leaves them out', () => {
    const run = play(
      spraying,
      [...items, failedLogin('e7', '198.51.100.7', 30, 'dave'), failedLogin('e8', '198.51.100.7', 8, 'erin')],
      0,
    );
    expect(run.late.map((e) => e.id)).toEqual(['e8']);
    expect(run.emissions.map((e) => ({ after: e.after, ...summary(e.value) }))).toEqual([
      {
        after: 6,
        key: '198.51.100.7',
        start: 0,
        values: ['alice', 'bob', 'carol'],
        ids: ['e1', 'e2', 'e3', 'e6'],
        count: 4,
      },
    ]);
  });
});

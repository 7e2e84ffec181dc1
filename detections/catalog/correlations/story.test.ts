import { describe, expect, it } from 'vitest';
import { testEvent } from '../../../test/events.js';
import { story } from './story.js';

describe('story', () => {
  it('lists each step’s events in (time, id) order and tells action, time and principal per step', () => {
    const principal = {
      type: 'IAMUser',
      arn: 'arn:aws:iam::1:user/a',
      name: 'a',
      account: '1',
      sessionIssuer: null,
      mfa: null,
      accessKeyId: null,
    };
    const at = (id: string, minute: number, action: string) =>
      testEvent({ id, time: Date.UTC(2026, 0, 1, 10, minute), action, principal });
    const told = story([
      {
        name: 'probing',
        events: [at('b', 3, 's3:ListBuckets'), at('a', 3, 'iam:ListUsers'), at('c', 1, 'iam:ListUsers')],
      },
      { name: 'change', events: [at('d', 9, 'iam:CreateUser')] },
      { name: 'nothing', events: [] },
    ]);
    expect(told.events.map((event) => event.id)).toEqual(['c', 'a', 'b', 'd']);
    expect(told.context).toEqual({
      'step1.name': 'probing',
      'step1.action': 'iam:ListUsers,s3:ListBuckets',
      'step1.time': '2026-01-01T10:01:00.000Z',
      'step1.principal': 'arn:aws:iam::1:user/a',
      'step1.count': '3',
      'step2.name': 'change',
      'step2.action': 'iam:CreateUser',
      'step2.time': '2026-01-01T10:09:00.000Z',
      'step2.principal': 'arn:aws:iam::1:user/a',
    });
    expect(told.summary).toBe(
      '10:01:00 probing (iam:ListUsers,s3:ListBuckets ×3 by arn:aws:iam::1:user/a) → 10:09:00 change (iam:CreateUser by arn:aws:iam::1:user/a)',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { globMatcher } from './glob.js';

describe('globMatcher', () => {
  it('matches * against any run of characters and everything else literally', () => {
    const matcher = globMatcher(['*-admin', 'ops.prod']);
    expect(['web-admin', '-admin', 'ops.prod'].map((name) => matcher.test(name))).toEqual([true, true, true]);
    expect(['web-admins', 'opsXprod', 'admin'].map((name) => matcher.test(name))).toEqual([
      false,
      false,
      false,
    ]);
  });

  it('matches nothing without globs', () => {
    expect(globMatcher([]).test('')).toBe(false);
  });
});

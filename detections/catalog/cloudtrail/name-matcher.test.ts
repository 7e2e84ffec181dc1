import { describe, expect, it } from 'vitest';
import { nameMatcher } from './name-matcher.js';

describe('case-insensitive name globs', () => {
  it('matches names whatever their case, and never a missing name', () => {
    const matches = nameMatcher(['aws-cloudtrail-logs*', '*Flow-Logs*']);
    expect(matches('AWS-CloudTrail-Logs-111122223333-management')).toBe(true);
    expect(matches('/aws/vpc/flow-logs/vpc-0a1b')).toBe(true);
    expect(matches('/aws/lambda/orders')).toBe(false);
    expect(matches(null)).toBe(false);
    expect(nameMatcher([])('anything')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { consoleBruteForceParams } from './params.js';

describe('consoleBruteForceParams', () => {
  it('applies overrides over the defaults', () => {
    expect(consoleBruteForceParams({})).toEqual({ minFailures: 10, windowMinutes: 10 });
    expect(consoleBruteForceParams({ minFailures: 20, windowMinutes: 15 })).toEqual({
      minFailures: 20,
      windowMinutes: 15,
    });
  });

  it('rejects a bad value with the param path', () => {
    expect(() => consoleBruteForceParams({ minFailures: 2.5 })).toThrow(
      'detections.signin-console-brute-force.params.minFailures must be a positive integer, got 2.5',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { passwordSprayingParams } from './params.js';

describe('passwordSprayingParams', () => {
  it('applies overrides over the defaults', () => {
    expect(passwordSprayingParams({})).toEqual({ minUsers: 10, windowMinutes: 10 });
    expect(passwordSprayingParams({ minUsers: 4 })).toEqual({ minUsers: 4, windowMinutes: 10 });
  });

  it('rejects a bad value with the param path', () => {
    expect(() => passwordSprayingParams({ windowMinutes: 0 })).toThrow(
      'detections.signin-password-spraying.params.windowMinutes must be a positive integer, got 0',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { credentialUseParams } from './params.js';

describe('credentialUseParams', () => {
  it('applies overrides over the defaults', () => {
    expect(credentialUseParams({})).toEqual({ withinMinutes: 60 });
    expect(credentialUseParams({ withinMinutes: 120 })).toEqual({ withinMinutes: 120 });
  });

  it('rejects a bad value with the param path', () => {
    expect(() => credentialUseParams({ withinMinutes: 'an hour' })).toThrow(
      'detections.guardduty-instance-compromise-credential-use.params.withinMinutes must be a positive integer, got "an hour"',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { largeInstanceBurstParams } from './params.js';

describe('largeInstanceBurstParams', () => {
  it('applies overrides over the defaults', () => {
    expect(largeInstanceBurstParams({})).toEqual({ moreThan: 5, minSize: 8, windowMinutes: 5 });
    expect(largeInstanceBurstParams({ moreThan: 0, minSize: 16 })).toEqual({
      moreThan: 0,
      minSize: 16,
      windowMinutes: 5,
    });
  });

  it('rejects a bad value with the param path', () => {
    expect(() => largeInstanceBurstParams({ moreThan: -1 })).toThrow(
      'detections.ec2-large-instance-burst.params.moreThan must be a non-negative integer, got -1',
    );
    expect(() => largeInstanceBurstParams({ minSize: '8' })).toThrow(
      'detections.ec2-large-instance-burst.params.minSize must be a positive integer, got "8"',
    );
  });
});

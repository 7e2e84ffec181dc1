import { describe, expect, it } from 'vitest';
import { isLargeInstanceType } from './large-instance-type.js';

describe('isLargeInstanceType', () => {
  it.each([
    ['c5.9xlarge', 8, true],
    ['p4d.24xlarge', 8, true],
    ['m6i.8xlarge', 8, true],
    ['m7i.metal-24xl', 8, true],
    ['i3.metal', 8, true],
    ['m5.4xlarge', 8, false],
    ['m5.4xlarge', 4, true],
    ['t3.xlarge', 8, false],
    ['t3.micro', 8, false],
    ['garbage', 8, false],
    [null, 8, false],
  ] as const)('%s (minSize %d) → %s', (type, minSize, large) => {
    expect(isLargeInstanceType(type, minSize)).toBe(large);
  });
});

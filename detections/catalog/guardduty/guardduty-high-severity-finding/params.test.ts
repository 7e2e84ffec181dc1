import { describe, expect, it } from 'vitest';
import { highSeverityParams } from './params.js';

describe('highSeverityParams', () => {
  it('applies overrides over the defaults', () => {
    expect(highSeverityParams({})).toEqual({ minSeverity: 7, criticalSeverity: 9 });
    expect(highSeverityParams({ minSeverity: 8.5 })).toEqual({ minSeverity: 8.5, criticalSeverity: 9 });
  });

  it('rejects a value outside GuardDuty severities', () => {
    expect(() => highSeverityParams({ minSeverity: 11 })).toThrow(
      'detections.guardduty-high-severity-finding.params.minSeverity must be a number from 0 to 10, got 11',
    );
  });
});

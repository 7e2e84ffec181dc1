import type { DetectionParams } from '../../../api.js';

export interface HighSeverityParams {
  /** Lowest GuardDuty severity reported (GuardDuty bands: High 7.0-8.9, Critical 9.0-10.0). */
  minSeverity: number;
  /** From this GuardDuty severity on the finding is critical. */
  criticalSeverity: number;
}

export const DEFAULT_PARAMS: HighSeverityParams = { minSeverity: 7, criticalSeverity: 9 };

/**
 * Config params (`detections.guardduty-high-severity-finding.params`) over the defaults; throws on a bad value.
 *
 *   highSeverityParams({ minSeverity: 8 }); // { minSeverity: 8, criticalSeverity: 9 }
 */
export function highSeverityParams(params: DetectionParams): HighSeverityParams {
  const result = { ...DEFAULT_PARAMS };
  for (const name of ['minSeverity', 'criticalSeverity'] as const) {
    const value = params[name] ?? DEFAULT_PARAMS[name];
    if (typeof value !== 'number' || !(value >= 0 && value <= 10)) {
      throw new Error(
        `detections.guardduty-high-severity-finding.params.${name} must be a number from 0 to 10, got ${JSON.stringify(value)}`,
      );
    }
    result[name] = value;
  }
  return result;
}

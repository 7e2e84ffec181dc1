import type { DetectionParams } from '../../../api.js';

export interface ConsoleBruteForceParams {
  /** Failed sign-ins for one user within the window that make a brute force. */
  minFailures: number;
  windowMinutes: number;
}

export const DEFAULT_PARAMS: ConsoleBruteForceParams = { minFailures: 10, windowMinutes: 10 };

/**
 * Config params (`detections.signin-console-brute-force.params`) over the defaults; throws on a bad value.
 *
 *   consoleBruteForceParams({ minFailures: 20 }); // { minFailures: 20, windowMinutes: 10 }
 */
export function consoleBruteForceParams(params: DetectionParams): ConsoleBruteForceParams {
  const result = { ...DEFAULT_PARAMS };
  for (const name of ['minFailures', 'windowMinutes'] as const) {
    const value = params[name] ?? DEFAULT_PARAMS[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw new Error(
        `detections.signin-console-brute-force.params.${name} must be a positive integer, got ${JSON.stringify(value)}`,
      );
    }
    result[name] = value;
  }
  return result;
}

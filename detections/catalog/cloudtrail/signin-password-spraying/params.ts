import type { DetectionParams } from '../../../api.js';

export interface PasswordSprayingParams {
  /** Distinct user names that must fail from one address within the window. */
  minUsers: number;
  windowMinutes: number;
}

export const DEFAULT_PARAMS: PasswordSprayingParams = { minUsers: 10, windowMinutes: 10 };

/**
 * Config params (`detections.signin-password-spraying.params`) over the defaults; throws on a bad value.
 *
 *   passwordSprayingParams({ minUsers: 5 }); // { minUsers: 5, windowMinutes: 10 }
 */
export function passwordSprayingParams(params: DetectionParams): PasswordSprayingParams {
  const result = { ...DEFAULT_PARAMS };
  for (const name of ['minUsers', 'windowMinutes'] as const) {
    const value = params[name] ?? DEFAULT_PARAMS[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw new Error(
        `detections.signin-password-spraying.params.${name} must be a positive integer, got ${JSON.stringify(value)}`,
      );
    }
    result[name] = value;
  }
  return result;
}

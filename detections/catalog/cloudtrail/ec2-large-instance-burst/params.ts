import type { DetectionParams } from '../../../api.js';

export interface LargeInstanceBurstParams {
  /** Fires when an account launches more than this many large instances in one window. */
  moreThan: number;
  /** Smallest `<N>xlarge` multiple that counts as large (bare metal always does). */
  minSize: number;
  windowMinutes: number;
}

export const DEFAULT_PARAMS: LargeInstanceBurstParams = { moreThan: 5, minSize: 8, windowMinutes: 5 };

/**
 * Config params (`detections.ec2-large-instance-burst.params`) over the defaults; throws on a bad value.
 *
 *   largeInstanceBurstParams({ moreThan: 10 }); // { moreThan: 10, minSize: 8, windowMinutes: 5 }
 */
export function largeInstanceBurstParams(params: DetectionParams): LargeInstanceBurstParams {
  const result = { ...DEFAULT_PARAMS };
  for (const name of ['moreThan', 'minSize', 'windowMinutes'] as const) {
    const value = params[name] ?? DEFAULT_PARAMS[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < (name === 'moreThan' ? 0 : 1)) {
      throw new Error(
        `detections.ec2-large-instance-burst.params.${name} must be a ${name === 'moreThan' ? 'non-negative' : 'positive'} integer, got ${JSON.stringify(value)}`,
      );
    }
    result[name] = value;
  }
  return result;
}

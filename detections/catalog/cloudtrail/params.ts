import type { DetectionParams } from '../../api.js';

/** A detection parameter from config (`detections.<id>.params`) that cannot be used. */
export class InvalidDetectionParamError extends Error {
  override readonly name = 'InvalidDetectionParamError';
  constructor(
    readonly detection: string,
    readonly param: string,
    message: string,
  ) {
    super(`detections.${detection}.params.${param}: ${message}`);
  }
}

/**
 * Reads a detection's params with typed defaults, throwing InvalidDetectionParamError on a bad value, so a
 * typo in config fails at operator construction instead of silently disabling the rule.
 *
 *   const read = paramReader('ec2-instance-forbidden-region', context.params);
 *   const allowed = read.strings('allowedRegions', ['us-east-1']);
 */
export function paramReader(detection: string, params: DetectionParams) {
  const fail = (param: string, message: string): never => {
    throw new InvalidDetectionParamError(detection, param, message);
  };
  return {
    /** A list of non-empty strings. */
    strings(param: string, fallback: readonly string[]): string[] {
      const value = params[param];
      if (value === undefined) return [...fallback];
      if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'string' && entry !== '')) {
        return fail(param, `expected a list of non-empty strings, got ${JSON.stringify(value)}`);
      }
      return value as string[];
    },
    /** A list of TCP/UDP port numbers (0-65535). */
    ports(param: string, fallback: readonly number[]): number[] {
      const value = params[param];
      if (value === undefined) return [...fallback];
      const valid = (entry: unknown) =>
        Number.isInteger(entry) && (entry as number) >= 0 && (entry as number) <= 65535;
      if (!Array.isArray(value) || !value.every(valid)) {
        return fail(param, `expected a list of port numbers 0-65535, got ${JSON.stringify(value)}`);
      }
      return value as number[];
    },
  };
}

import type { DetectionParams } from '../api.js';

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

const isPort = (value: unknown) =>
  Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 65535;
const isNonEmptyString = (value: unknown) => typeof value === 'string' && value !== '';
const isAccountId = (value: unknown) => typeof value === 'string' && /^\d{12}$/.test(value);

/**
 * Reads a detection's params with typed defaults, throwing InvalidDetectionParamError on a bad value, so a
 * typo in config fails at operator construction instead of silently disabling the rule.
 *
 *   const read = paramReader('ec2-instance-forbidden-region', context.params);
 *   const allowed = read.strings('allowedRegions', ['us-east-1']);
 */
export function paramReader(detection: string, params: DetectionParams) {
  /** The configured value if `valid` accepts it, the fallback if the param is absent; throws otherwise. */
  function read<T>(param: string, fallback: T, valid: (value: unknown) => boolean, expected: string): T {
    const value = params[param];
    if (value === undefined) return fallback;
    if (!valid(value)) {
      throw new InvalidDetectionParamError(
        detection,
        param,
        `expected ${expected}, got ${JSON.stringify(value)}`,
      );
    }
    return value as T;
  }
  const listOf = (valid: (entry: unknown) => boolean, minLength: number) => (value: unknown) =>
    Array.isArray(value) && value.length >= minLength && value.every(valid);

  return {
    /** A list of non-empty strings. */
    strings(param: string, fallback: readonly string[]): string[] {
      return [...read(param, fallback, listOf(isNonEmptyString, 0), 'a list of non-empty strings')];
    },
    /** A list of 12-digit AWS account ids (quoted in YAML, so leading zeros survive). */
    accountIds(param: string, fallback: readonly string[]): string[] {
      return [
        ...read(param, fallback, listOf(isAccountId, 0), 'a list of 12-digit account ids (as strings)'),
      ];
    },
    /** A list of TCP/UDP port numbers (0-65535); `nonEmpty` when the detection needs at least one. */
    ports(param: string, fallback: readonly number[], { nonEmpty = false } = {}): number[] {
      const expected = `a ${nonEmpty ? 'non-empty ' : ''}list of port numbers 0-65535`;
      return [...read(param, fallback, listOf(isPort, nonEmpty ? 1 : 0), expected)];
    },
    /** An integer ≥ 1 (a count, a threshold, a number of minutes). */
    positiveInteger(param: string, fallback: number): number {
      return read(
        param,
        fallback,
        (value) => Number.isInteger(value) && (value as number) >= 1,
        'a positive integer',
      );
    },
    /** An integer ≥ 0. */
    nonNegativeInteger(param: string, fallback: number): number {
      const valid = (value: unknown) => Number.isInteger(value) && (value as number) >= 0;
      return read(param, fallback, valid, 'a non-negative integer');
    },
    /** A finite number from `min` to `max` inclusive. */
    number(param: string, fallback: number, { min, max }: { min: number; max: number }): number {
      const valid = (value: unknown) => typeof value === 'number' && value >= min && value <= max;
      return read(param, fallback, valid, `a number from ${min} to ${max}`);
    },
  };
}

/** What `paramReader` returns: typed readers of one detection's params. */
export type ParamReader = ReturnType<typeof paramReader>;

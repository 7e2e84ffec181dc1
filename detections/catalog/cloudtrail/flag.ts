import type { JsonValue } from '../../../schemas/types.js';

/**
 * Boolean request parameters, as JSON booleans or as the text some exports and Sigma-style pipelines write.
 *
 *   isFalse(false) && isFalse('false') // true
 *   isTrue('TRUE')                     // true
 */
export function isFalse(value: JsonValue | undefined): boolean {
  return value === false || (typeof value === 'string' && value.toLowerCase() === 'false');
}

export function isTrue(value: JsonValue | undefined): boolean {
  return value === true || (typeof value === 'string' && value.toLowerCase() === 'true');
}

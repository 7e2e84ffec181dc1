import type { JsonValue } from '../../schemas/types.js';
import { HEAD_BYTES } from './dead-letter.js';

/**
 * Text for a dead letter's head when only the parsed value is at hand (the bytes are gone):
 * its JSON, or '' when it cannot be serialised (e.g. nested too deep for JSON.stringify).
 *
 *   batch.reject(origin, 'json_not_object', 'array element is not an object', jsonHead(element));
 */
export function jsonHead(value: JsonValue | undefined): string {
  try {
    return (JSON.stringify(value) ?? '').slice(0, HEAD_BYTES);
  } catch {
    return '';
  }
}

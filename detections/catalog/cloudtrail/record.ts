import type { JsonValue, SecurityEvent } from '../../../schemas/types.js';

/**
 * Typed reads from a CloudTrail record (`event.raw`), which is untrusted JSON: every step may be missing or
 * of another type, so each reader returns null / [] instead of throwing.
 *
 *   request(event, 'groupId')                    // 'sg-0d921df5d84f7270a' | undefined
 *   items(request(event, 'ipPermissions'))       // CloudTrail's `{ items: [...] }` lists as an array
 */

/** The value at `path` inside `value`, or undefined when a step is missing or not an object. */
export function at(value: JsonValue | undefined, ...path: readonly string[]): JsonValue | undefined {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    if (!Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

/**
 * The CloudTrail record of an event. EventBridge delivers it as `detail` of an envelope; a decoder that keeps
 * the envelope as `raw` still gives detections the record itself.
 */
export function cloudTrailRecord(event: SecurityEvent): JsonValue {
  const detail = at(event.raw, 'detail');
  return at(event.raw, 'detail-type') !== undefined && detail !== undefined ? detail : event.raw;
}

export function request(event: SecurityEvent, ...path: readonly string[]): JsonValue | undefined {
  return at(cloudTrailRecord(event), 'requestParameters', ...path);
}

export function response(event: SecurityEvent, ...path: readonly string[]): JsonValue | undefined {
  return at(cloudTrailRecord(event), 'responseElements', ...path);
}

export function field(event: SecurityEvent, ...path: readonly string[]): JsonValue | undefined {
  return at(cloudTrailRecord(event), ...path);
}

/** A non-empty string, or a number as its decimal text (CloudTrail writes ports either way). */
export function text(value: JsonValue | undefined): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** An integer given as a number or a numeric string, else null. */
export function integer(value: JsonValue | undefined): number | null {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) ? number : null;
}

/** The entries of CloudTrail's `{ items: [...] }` list wrapper (or of a plain array); [] for anything else. */
export function items(value: JsonValue | undefined): JsonValue[] {
  if (Array.isArray(value)) return value;
  const list = at(value, 'items');
  return Array.isArray(list) ? list : [];
}

/** `[{ key, value }]` tag lists (`tags`, `tagSet.items`) as a record; entries without a key are skipped. */
export function tagRecord(list: readonly JsonValue[]): Record<string, string> {
  const tags: Record<string, string> = Object.create(null);
  for (const entry of list) {
    const key = text(at(entry, 'key'));
    if (key !== null)
      tags[key] = typeof at(entry, 'value') === 'string' ? (at(entry, 'value') as string) : '';
  }
  return tags;
}

/** A call that AWS rejected (AccessDenied, validation errors...) changed nothing. */
export function succeeded(event: SecurityEvent): boolean {
  return event.errorCode === null;
}

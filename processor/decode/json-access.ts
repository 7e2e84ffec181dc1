import type { JsonObject, JsonValue } from '../../schemas/types.js';

// Own properties only: a parsed record without a `constructor` key must not yield Object.prototype's.

export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An own property of a parsed JSON object, or undefined.
 *
 *   ownField(JSON.parse('{"a":1}'), 'constructor') // undefined
 */
export function ownField(object: JsonObject, key: string): JsonValue | undefined {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

export function stringField(object: JsonObject, key: string): string | null {
  const value = ownField(object, key);
  return typeof value === 'string' ? value : null;
}

export function numberField(object: JsonObject, key: string): number | null {
  const value = ownField(object, key);
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function booleanField(object: JsonObject, key: string): boolean | null {
  const value = ownField(object, key);
  return typeof value === 'boolean' ? value : null;
}

export function objectField(object: JsonObject, key: string): JsonObject | null {
  const value = ownField(object, key);
  return isJsonObject(value) ? value : null;
}

export function arrayField(object: JsonObject, key: string): JsonValue[] | null {
  const value = ownField(object, key);
  return Array.isArray(value) ? value : null;
}

/**
 * The object at a path of own keys, or null.
 *
 *   objectAt(record, 'userIdentity', 'sessionContext', 'sessionIssuer')
 */
export function objectAt(object: JsonObject | null, ...path: string[]): JsonObject | null {
  let current = object;
  for (const key of path) {
    if (current === null) return null;
    current = objectField(current, key);
  }
  return current;
}

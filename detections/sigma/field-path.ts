import type { JsonValue } from '../../schemas/types.js';

/**
 * A compiled dotted field path into the raw record. At each object the rest of the path is first tried
 * as one key (`"a.b"` keys exist), then the next segment; an array on the way is searched element by
 * element, so `requestParameters.containerDefinitions.command` finds the command of every container (as
 * SIEMs flatten arrays into multi-valued fields). Returns every value found: none means the field is missing.
 * The returned array is reused by the next call of the same path (no allocation per event): read it, do not keep it.
 *
 *   fieldPath('userIdentity.arn')(record) // ['arn:aws:iam::111122223333:user/alice']
 */
export function fieldPath(path: string): (raw: JsonValue) => JsonValue[] {
  const segments = path.split('.');
  // The rest of the path from each segment on, as one key ("a.b" keys exist).
  const rests = segments.map((_, index) => segments.slice(index).join('.'));
  const collect = (value: JsonValue, from: number, found: JsonValue[]): void => {
    if (from === segments.length) {
      found.push(value);
      return;
    }
    if (Array.isArray(value)) {
      for (const element of value)
        if (typeof element === 'object' && element !== null) collect(element, from, found);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    if (from < segments.length - 1 && Object.hasOwn(value, rests[from] as string)) {
      found.push(value[rests[from] as string] as JsonValue);
      return;
    }
    const key = segments[from] as string;
    if (Object.hasOwn(value, key)) collect(value[key] as JsonValue, from + 1, found);
  };
  const found: JsonValue[] = [];
  return (raw) => {
    found.length = 0;
    collect(raw, 0, found);
    return found;
  };
}

/**
 * The strings a field value offers to string matching: a string itself, a number or boolean as written in
 * JSON, an object or array as its compact JSON text (what a SIEM indexing the record sees), and an array's
 * elements one by one too.
 */
export function candidateStrings(value: JsonValue, into: string[] = []): string[] {
  if (value === null) return into;
  if (typeof value === 'string') into.push(value);
  else if (typeof value === 'number' || typeof value === 'boolean') into.push(String(value));
  else {
    into.push(JSON.stringify(value));
    if (Array.isArray(value)) for (const element of value) candidateStrings(element, into);
  }
  return into;
}

const DECIMAL = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/;

/** The numbers a field value offers to numeric comparison: a number, a decimal string, an array's elements. */
export function candidateNumbers(value: JsonValue, into: number[] = []): number[] {
  if (typeof value === 'number') into.push(value);
  else if (typeof value === 'string' && DECIMAL.test(value)) into.push(Number(value));
  else if (Array.isArray(value)) for (const element of value) candidateNumbers(element, into);
  return into;
}

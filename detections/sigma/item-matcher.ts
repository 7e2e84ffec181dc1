import { BlockList, isIP } from 'node:net';
import { RE2JS } from 're2js';
import type { JsonValue } from '../../schemas/types.js';
import { SigmaRuleError } from './errors.js';
import type { EventView } from './event-view.js';
import { candidateNumbers, candidateStrings, fieldPath } from './field-path.js';
import {
  type PatternMatcher,
  type PatternToken,
  patternMatcher,
  plainText,
  withLeadingAny,
  withTrailingAny,
} from './pattern.js';
import { type DetectionItem, type SigmaValue, type TimeUnit, valueGroups } from './values.js';

export type Predicate = (view: EventView) => boolean;

/** A test of one value against what a field holds (its values found; none when the field is missing). */
type ValueTest = (found: readonly JsonValue[], view: EventView) => boolean;

/**
 * Compiles a detection item into a predicate, once: patterns, regular expressions (re2js, linear time)
 * and CIDR lists are built here, and plain values of one item are looked up in a Set, so a 10,000-value
 * list costs one lookup per candidate string.
 *
 *   const isCreateUser = itemMatcher(detectionItem('eventName', 'CreateUser', 'detection.sel', {}));
 */
export function itemMatcher(item: DetectionItem): Predicate {
  const groups = valueGroups(item).map((values) =>
    item.field === null ? keywordGroup(values, item.where) : fieldGroup(values, item.where),
  );
  const path = item.field === null ? null : fieldPath(item.field);
  const found = (view: EventView): readonly JsonValue[] => (path ? path(view.raw) : []);
  let test: Predicate;
  if (groups.length === 1) {
    const only = groups[0] as ValueTest;
    test = (view) => only(found(view), view);
  } else {
    test = (view) => {
      const values = found(view);
      return groups.every((group) => group(values, view));
    };
  }
  return item.negated ? (view) => !test(view) : test;
}

/** OR over values tested against a field: plain strings by Set, patterns, then the other types. */
function fieldGroup(values: readonly SigmaValue[], where: string): ValueTest {
  const cased = new Set<string>();
  const folded = new Set<string>();
  const others: ValueTest[] = [];
  const strings: StringValue[] = [];
  for (const value of values) {
    if (value.type !== 'string') others.push(valueTest(value, where));
    else {
      const plain = plainText(value.tokens);
      if (plain === null) strings.push(value);
      else (value.cased ? cased : folded).add(value.cased ? plain : plain.toLowerCase());
    }
  }
  const patterns = patternMatchers(strings);
  const stringy = cased.size + folded.size + patterns.length > 0;
  const matchesText = (candidate: string): boolean => {
    if (cased.has(candidate)) return true;
    const lower = candidate.toLowerCase();
    if (folded.has(lower)) return true;
    for (const pattern of patterns) if (pattern.test(pattern.cased ? candidate : lower)) return true;
    return false;
  };
  return (found, view) => {
    if (stringy) {
      for (const value of found) {
        // Most fields hold a string: test it without building the candidate list.
        if (typeof value === 'string' ? matchesText(value) : candidateStrings(value).some(matchesText))
          return true;
      }
    }
    for (const other of others) if (other(found, view)) return true;
    return false;
  };
}

/** OR over values searched anywhere in the event's JSON text (keywords). */
function keywordGroup(values: readonly SigmaValue[], where: string): ValueTest {
  const tests: ValueTest[] = [];
  const strings: StringValue[] = [];
  for (const value of values) {
    if (value.type === 'regex') {
      const regex = compileRegex(value, where);
      tests.push((_, view) => regex.test(view.text()));
    } else if (value.type === 'string') {
      strings.push({ ...value, tokens: withTrailingAny(withLeadingAny(value.tokens)) });
    } else {
      throw new SigmaRuleError('invalid_value', where, 'keywords must be strings');
    }
  }
  for (const pattern of patternMatchers(strings))
    tests.push((_, view) => pattern.test(pattern.cased ? view.text() : view.lowerText()));
  return (found, view) => tests.some((test) => test(found, view));
}

type StringValue = Extract<SigmaValue, { type: 'string' }>;

/** From this many plain contains/startswith/endswith values on, one search finds any of them. */
const COMBINED_LITERALS = 32;

/**
 * Matchers for patterns: each on its own, except that many plain contains / startswith / endswith values
 * (IOC lists, user-agent lists) become one linear-time search for any of them (an RE2 alternation of
 * the lower-cased literals, so it compares exactly as the single patterns do) instead of one scan each.
 */
function patternMatchers(values: readonly StringValue[]): PatternMatcher[] {
  const literals = new Map<string, string[]>();
  const single: PatternMatcher[] = [];
  for (const value of values) {
    const shape = literalShape(value);
    if (shape === null) {
      single.push(patternMatcher(value.tokens, value.cased));
      continue;
    }
    const key = `${shape.position}:${value.cased}`;
    literals.set(key, [...(literals.get(key) ?? []), value.cased ? shape.text : shape.text.toLowerCase()]);
  }
  for (const [key, texts] of literals) {
    const [position, cased] = key.split(':') as ['contains' | 'startswith' | 'endswith', string];
    if (texts.length < COMBINED_LITERALS) {
      for (const text of texts) single.push(patternMatcher(positioned(position, text), cased === 'true'));
      continue;
    }
    const alternation = `(?:${texts.map((text) => RE2JS.quote(text)).join('|')})`;
    const regex = RE2JS.compile(
      position === 'startswith'
        ? `^${alternation}`
        : position === 'endswith'
          ? `${alternation}$`
          : alternation,
    );
    single.push({ cased: cased === 'true', test: (subject) => regex.test(subject) });
  }
  return single;
}

/** `*text*`, `text*` or `*text` with plain text: the shapes a combined search can take. */
function literalShape(
  value: StringValue,
): { position: 'contains' | 'startswith' | 'endswith'; text: string } | null {
  const [first, second, third, ...rest] = value.tokens;
  if (rest.length > 0) return null;
  if (first?.kind === 'any' && second?.kind === 'text' && third?.kind === 'any')
    return { position: 'contains', text: second.text };
  if (first?.kind === 'text' && second?.kind === 'any' && third === undefined)
    return { position: 'startswith', text: first.text };
  if (first?.kind === 'any' && second?.kind === 'text' && third === undefined)
    return { position: 'endswith', text: second.text };
  return null;
}

function positioned(position: 'contains' | 'startswith' | 'endswith', text: string): PatternToken[] {
  const tokens: PatternToken[] = [{ kind: 'text', text }];
  return position === 'startswith'
    ? withTrailingAny(tokens)
    : position === 'endswith'
      ? withLeadingAny(tokens)
      : withTrailingAny(withLeadingAny(tokens));
}

function valueTest(value: SigmaValue, where: string): ValueTest {
  switch (value.type) {
    case 'null':
      return (found) => found.length === 0 || found.includes(null);
    case 'exists':
      return (found) => found.length > 0 === value.exists;
    case 'boolean': {
      const text = String(value.value);
      return (found) =>
        found.some((v) => v === value.value || (typeof v === 'string' && v.toLowerCase() === text));
    }
    case 'number':
      return (found) => found.some((v) => candidateNumbers(v).includes(value.value));
    case 'compare': {
      const holds = comparison(value.op, value.value);
      return (found) => found.some((v) => candidateNumbers(v).some(holds));
    }
    case 'regex': {
      const regex = compileRegex(value, where);
      return (found) => found.some((v) => candidateStrings(v).some((text) => regex.test(text)));
    }
    case 'cidr': {
      const list = blockList(value.cidr);
      return (found) =>
        found.some((v) =>
          candidateStrings(v).some((text) => {
            const family = isIP(text);
            return family !== 0 && list.check(text, family === 4 ? 'ipv4' : 'ipv6');
          }),
        );
    }
    case 'fieldref': {
      const other = fieldPath(value.field);
      const compare = (a: string, b: string) =>
        value.startsWith && value.endsWith
          ? a.includes(b)
          : value.startsWith
            ? a.startsWith(b)
            : value.endsWith
              ? a.endsWith(b)
              : a === b;
      return (found, view) => {
        const references = other(view.raw).flatMap((v) => candidateStrings(v));
        return found.some((v) => candidateStrings(v).some((a) => references.some((b) => compare(a, b))));
      };
    }
    case 'timePart':
      return (found) => found.some((v) => timeParts(v, value.unit).includes(value.value));
    default:
      throw new SigmaRuleError('invalid_value', where, `cannot compare a field with a ${value.type} value`);
  }
}

/** Compiles a Sigma `re` value with re2js (linear time); what RE2 cannot express is a compile error. */
function compileRegex(value: Extract<SigmaValue, { type: 'regex' }>, where: string): RE2JS {
  const flags =
    (value.flags.i ? RE2JS.CASE_INSENSITIVE : 0) |
    (value.flags.m ? RE2JS.MULTILINE : 0) |
    (value.flags.s ? RE2JS.DOTALL : 0);
  try {
    return RE2JS.compile(value.source, flags);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new SigmaRuleError(
      'regex_unsupported',
      where,
      `regular expression ${JSON.stringify(value.source)} is not supported by the linear-time engine (RE2: no backreferences or lookaround): ${message}`,
    );
  }
}

function comparison(op: string, bound: number): (n: number) => boolean {
  if (op === 'gt') return (n) => n > bound;
  if (op === 'gte') return (n) => n >= bound;
  if (op === 'lt') return (n) => n < bound;
  return (n) => n <= bound;
}

function blockList(cidr: string): BlockList {
  const list = new BlockList();
  const [address, prefix] = cidr.split('/') as [string, string | undefined];
  const type = isIP(address) === 4 ? 'ipv4' : 'ipv6';
  if (prefix === undefined) list.addAddress(address, type);
  else list.addSubnet(address, Number(prefix), type);
  return list;
}

/** A date field's part in UTC: ISO 8601 text or epoch milliseconds; `week` is the ISO week (1–53). */
function timeParts(value: JsonValue, unit: TimeUnit): number[] {
  const time = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(time)) return Array.isArray(value) ? value.flatMap((v) => timeParts(v, unit)) : [];
  const date = new Date(time);
  switch (unit) {
    case 'minute':
      return [date.getUTCMinutes()];
    case 'hour':
      return [date.getUTCHours()];
    case 'day':
      return [date.getUTCDate()];
    case 'month':
      return [date.getUTCMonth() + 1];
    case 'year':
      return [date.getUTCFullYear()];
    default:
      return [isoWeek(date)];
  }
}

function isoWeek(date: Date): number {
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const weekday = day.getUTCDay() || 7;
  day.setUTCDate(day.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  return Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
}

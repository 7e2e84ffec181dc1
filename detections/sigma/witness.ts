import { RE2JS } from 're2js';
import type { JsonObject, JsonValue } from '../../schemas/types.js';
import { eventView } from './event-view.js';
import type { Expression } from './expression.js';
import { itemMatcher } from './item-matcher.js';
import { patternWitness } from './pattern.js';
import type { CompiledRule } from './rule.js';
import type { DetectionItem, SigmaValue } from './values.js';

/**
 * Test support: records built from a compiled rule's own detection logic. `matchingRecord` sets the
 * fields its condition needs on top of a base record (choosing OR branches until the compiled rule
 * agrees); `nearMisses` breaks one necessary part at a time — a required field given another value, or a
 * filter (`and not …`) made to hold — so each must not match.
 *
 *   const record = matchingRecord(rule, baseCloudTrailRecord());
 */
export function matchingRecord(rule: CompiledRule, base: JsonObject): JsonObject | null {
  const draft = structuredClone(base);
  if (!makeTrue(rule.expression, draft)) return null;
  return rule.predicate(eventView(draft)) ? draft : null;
}

/**
 * Records that differ from a matching record in one necessary part of the condition: each item or
 * alternative (`1 of …`, a list) the AND at its top requires, broken; each filter under `not`, made to hold.
 */
export function nearMisses(rule: CompiledRule, matching: JsonObject): JsonObject[] {
  const misses: JsonObject[] = [];
  const parts = rule.expression.kind === 'and' ? rule.expression.parts : [rule.expression];
  for (const part of parts) {
    const draft = structuredClone(matching);
    if (part.kind === 'not' ? makeTrue(part.part, draft) : breakRequired(part, draft)) misses.push(draft);
  }
  return misses;
}

/** Breaks what a node requires without asking the rule: an item's field, every OR branch, one AND part. */
function breakRequired(node: Expression, draft: JsonObject): boolean {
  if (node.kind === 'item') {
    if (node.item.field === null) return false;
    breakItem(node.item, draft);
    return true;
  }
  if (node.kind === 'or') return node.parts.every((part) => breakRequired(part, draft));
  if (node.kind === 'and')
    return node.parts.some((part) => part.kind !== 'not' && breakRequired(part, draft));
  return false;
}

const REQUIRED = new Set(['eventSource', 'eventName', 'eventTime']);

/** Makes a required item false: another value in its field, or (when it matches any value) no field. */
function breakItem(item: DetectionItem, draft: JsonObject): void {
  const field = item.field as string;
  setPath(draft, field, field === 'eventSource' ? 'near-miss.amazonaws.com' : 'NearMiss');
  if (itemMatcher(item)(eventView(draft)) && !REQUIRED.has(field)) deletePath(draft, field);
}

function makeTrue(node: Expression, draft: JsonObject): boolean {
  switch (node.kind) {
    case 'item':
      return satisfy(node.item, draft);
    case 'not':
      return makeFalse(node.part, draft);
    case 'and': {
      const ordered = [
        ...node.parts.filter((p) => p.kind !== 'not'),
        ...node.parts.filter((p) => p.kind === 'not'),
      ];
      return ordered.every((part) => makeTrue(part, draft));
    }
    default:
      return node.parts.some((part) => attempt(draft, (copy) => makeTrue(part, copy) && holds(part, copy)));
  }
}

function makeFalse(node: Expression, draft: JsonObject): boolean {
  if (!holds(node, draft)) return true;
  switch (node.kind) {
    case 'item':
      return attempt(draft, (copy) => {
        const field = node.item.field;
        if (field === null) return false;
        setPath(copy, field, 'NearMiss');
        return !holds(node, copy);
      });
    case 'not':
      return makeTrue(node.part, draft);
    case 'and':
      return node.parts.some((part) => attempt(draft, (copy) => makeFalse(part, copy) && !holds(node, copy)));
    default:
      return node.parts.every((part) => makeFalse(part, draft));
  }
}

/** Runs a change on a copy; on success the copy's content replaces the draft's. */
function attempt(draft: JsonObject, change: (copy: JsonObject) => boolean): boolean {
  const copy = structuredClone(draft);
  if (!change(copy)) return false;
  for (const key of Object.keys(draft)) delete draft[key];
  Object.assign(draft, copy);
  return true;
}

function holds(node: Expression, draft: JsonObject): boolean {
  const view = eventView(draft);
  const evaluate = (n: Expression): boolean => {
    if (n.kind === 'item') return itemMatcher(n.item)(view);
    if (n.kind === 'not') return !evaluate(n.part);
    return n.kind === 'and' ? n.parts.every(evaluate) : n.parts.some(evaluate);
  };
  return evaluate(node);
}

function satisfy(item: DetectionItem, draft: JsonObject): boolean {
  const values = item.linking === 'and' ? item.values : item.values.slice(0, 1);
  if (item.field === null) {
    const count = Object.keys(draft).filter((key) => key.startsWith('sigmaKeyword')).length;
    draft[`sigmaKeyword${count + 1}`] = values.map((v) => witnessOf(v, draft) ?? '').join(' ');
    return itemMatcher(item)(eventView(draft));
  }
  if (item.negated) {
    deletePath(draft, item.field);
    return itemMatcher(item)(eventView(draft));
  }
  const witnesses = values.map((v) => witnessOf(v, draft));
  const [first] = witnesses;
  if (first === undefined) return false;
  if (first === null) deletePath(draft, item.field);
  else if (witnesses.length === 1 || typeof first !== 'string') setPath(draft, item.field, first);
  else setPath(draft, item.field, witnesses.join(' '));
  return itemMatcher(item)(eventView(draft));
}

/** A value that satisfies one Sigma value; null: leave the field missing. */
function witnessOf(value: SigmaValue, draft: JsonObject): JsonValue {
  switch (value.type) {
    case 'string':
      return patternWitness(value.tokens);
    case 'number':
    case 'boolean':
      return value.value;
    case 'null':
      return null;
    case 'exists':
      return value.exists ? 'present' : null;
    case 'compare':
      return value.op === 'gt' ? value.value + 1 : value.op === 'lt' ? value.value - 1 : value.value;
    case 'cidr':
      return value.cidr.split('/')[0] as string;
    case 'fieldref': {
      const referenced = readPath(draft, value.field);
      if (typeof referenced === 'string') return referenced;
      setPath(draft, value.field, 'sigma-reference');
      return 'sigma-reference';
    }
    case 'regex':
      return regexWitness(value.source, value.flags);
    case 'timePart':
      return timeWitness(value.unit, value.value);
    default:
      return value.values[0] ? witnessOf(value.values[0], draft) : null;
  }
}

function timeWitness(unit: string, part: number): string {
  const date = new Date(Date.UTC(2026, 0, 5, 0, 0, 0));
  if (unit === 'minute') date.setUTCMinutes(part);
  else if (unit === 'hour') date.setUTCHours(part);
  else if (unit === 'day') date.setUTCDate(part);
  else if (unit === 'month') date.setUTCMonth(part - 1);
  else if (unit === 'year') date.setUTCFullYear(part);
  else date.setUTCDate(5 + (part - 2) * 7);
  return date.toISOString();
}

/**
 * A string a simple regular expression matches: literals, escapes, `.`, classes, groups with `|` (first
 * alternative), quantifiers at their minimum, anchors. Checked with re2js; '' when it cannot tell.
 */
function regexWitness(source: string, flags: { i: boolean; m: boolean; s: boolean }): string {
  let index = 0;
  const sequence = (): string => {
    let text = '';
    while (index < source.length && source[index] !== '|' && source[index] !== ')') {
      const atom = single();
      const quantifier = source[index];
      if (quantifier === '*' || quantifier === '?') {
        index += 1;
        continue;
      }
      if (quantifier === '+') index += 1;
      else if (quantifier === '{') {
        const end = source.indexOf('}', index);
        const min = Number(source.slice(index + 1, end).split(',')[0]);
        index = end + 1;
        text += atom.repeat(Number.isFinite(min) ? min : 1);
        continue;
      }
      text += atom;
    }
    return text;
  };
  const single = (): string => {
    const char = source[index++] as string;
    if (char === '\\') {
      const escaped = source[index++] as string;
      return (
        ({ d: '0', w: 'a', s: ' ', D: 'a', W: '-', S: 'a' } as Record<string, string>)[escaped] ?? escaped
      );
    }
    if (char === '.') return 'a';
    if (char === '^' || char === '$') return '';
    if (char === '[') {
      const end = source.indexOf(']', index + 1);
      const body = source.slice(index, end);
      index = end + 1;
      if (body.startsWith('^')) return [...'abcxyz019-_'].find((c) => !body.includes(c)) ?? '~';
      return body.startsWith('\\') ? (body[1] ?? 'a') : (body[0] ?? 'a');
    }
    if (char === '(') {
      if (source.startsWith('?:', index)) index += 2;
      const first = sequence();
      while (source[index] === '|') {
        index += 1;
        sequence();
      }
      index += 1;
      return first;
    }
    return char;
  };
  const witness = sequence();
  const flag =
    (flags.i ? RE2JS.CASE_INSENSITIVE : 0) | (flags.m ? RE2JS.MULTILINE : 0) | (flags.s ? RE2JS.DOTALL : 0);
  return RE2JS.compile(source, flag).test(witness) ? witness : '';
}

function setPath(record: JsonObject, path: string, value: JsonValue): void {
  const keys = path.split('.');
  let node: JsonObject = record;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as JsonObject;
  }
  node[keys.at(-1) as string] = value;
}

function deletePath(record: JsonObject, path: string): void {
  const keys = path.split('.');
  let node: JsonValue = record;
  for (const key of keys.slice(0, -1)) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return;
    node = (node as JsonObject)[key] as JsonValue;
  }
  if (typeof node === 'object' && node !== null && !Array.isArray(node))
    delete (node as JsonObject)[keys.at(-1) as string];
}

function readPath(record: JsonObject, path: string): JsonValue | undefined {
  let node: JsonValue | undefined = record;
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
    node = (node as JsonObject)[key];
  }
  return node;
}

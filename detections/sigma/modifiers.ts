import { isIP } from 'node:net';
import { SigmaRuleError } from './errors.js';
import {
  concatTokens,
  hasWildcards,
  type PatternToken,
  parsePattern,
  plainText,
  withLeadingAny,
  withTrailingAny,
} from './pattern.js';
import type { CompareOperator, DetectionItem, SigmaValue, TimeUnit } from './values.js';

/** Values for `expand` placeholders (`%Administrators%` → the listed values), from the config. */
export type Placeholders = Readonly<Record<string, readonly string[]>>;

/** Expansions of one value (several placeholders multiply): more is a rule that cannot stay bounded. */
const MAX_EXPANSIONS = 10_000;

const TIME_UNITS: readonly TimeUnit[] = ['minute', 'hour', 'day', 'week', 'month', 'year'];
const COMPARE: readonly CompareOperator[] = ['gt', 'gte', 'lt', 'lte'];
const WINDASH = '-/\u2013\u2014\u2015';

/**
 * Builds one detection item from a map entry `field|mod1|mod2: value(s)`, applying the modifiers in the
 * order written (Sigma's rule: `base64offset|contains` encodes, then wraps in wildcards). A key with an
 * empty field (`'|all'`) is a keyword search. Throws SigmaRuleError naming the entry for anything
 * the specification does not allow or shardwatch cannot evaluate.
 *
 *   detectionItem('eventName|startswith', 'Delete', 'detection.selection', {}) // values: [Delete*]
 */
export function detectionItem(
  key: string,
  value: unknown,
  at: string,
  placeholders: Placeholders,
): DetectionItem {
  const where = key === '' ? at : `${at}.${key}`;
  const [name, ...modifiers] = key.split('|');
  const field = name === '' || name === undefined ? null : name;
  const scalars = Array.isArray(value) ? value : [value];
  if (scalars.length === 0) throw new SigmaRuleError('invalid_value', where, 'an empty list of values');
  // A keyword is text searched in the event: a number or boolean keyword is its written form.
  const initial = (scalar: unknown) =>
    field === null && (typeof scalar === 'number' || typeof scalar === 'boolean')
      ? stringValue(String(scalar))
      : initialValue(scalar, where);
  const item: DetectionItem = {
    field,
    modifiers,
    values: scalars.map(initial),
    linking: 'or',
    negated: false,
    where,
  };
  const applied: string[] = [];
  for (const modifier of modifiers) {
    if (modifier === 'all') item.linking = 'and';
    else if (modifier === 'neq') item.negated = true;
    else item.values = item.values.map((v) => modify(v, modifier, applied, field, where, placeholders));
    applied.push(modifier);
  }
  if (field === null) {
    for (const v of flatten(item.values)) {
      if (v.type !== 'string' && v.type !== 'regex')
        throw new SigmaRuleError(
          'invalid_value',
          where,
          `a keyword search cannot take a ${typeName(v)} value`,
        );
    }
  }
  return item;
}

function initialValue(scalar: unknown, where: string): SigmaValue {
  if (scalar === null) return { type: 'null' };
  if (typeof scalar === 'string') return stringValue(scalar);
  if (typeof scalar === 'number' && Number.isFinite(scalar)) return { type: 'number', value: scalar };
  if (typeof scalar === 'boolean') return { type: 'boolean', value: scalar };
  const found = Array.isArray(scalar) ? 'a list' : typeof scalar === 'object' ? 'a map' : typeof scalar;
  throw new SigmaRuleError(
    'invalid_value',
    where,
    `values must be strings, numbers, booleans or null, found ${found}`,
  );
}

type StringValue = Extract<SigmaValue, { type: 'string' }>;

function stringValue(text: string): StringValue {
  return { type: 'string', tokens: parsePattern(text), cased: false, source: text, bytes: false };
}

function modify(
  value: SigmaValue,
  modifier: string,
  applied: readonly string[],
  field: string | null,
  where: string,
  placeholders: Placeholders,
): SigmaValue {
  if (value.type === 'anyOf') {
    return {
      type: 'anyOf',
      values: value.values.map((v) => modify(v, modifier, applied, field, where, placeholders)),
    };
  }
  const fail = (detail: string) => new SigmaRuleError('invalid_modifier', where, detail);
  const asString = (): StringValue => {
    if (value.type === 'string') return value;
    if (value.type === 'number' || value.type === 'boolean') return stringValue(String(value.value));
    throw fail(`'${modifier}' applies to strings, not to a ${typeName(value)} value`);
  };
  const first = () => {
    if (applied.some((m) => m !== 'all' && m !== 'neq'))
      throw fail(`'${modifier}' must come first: it applies to the value as written`);
  };
  switch (modifier) {
    case 'contains':
    case 'startswith':
    case 'endswith': {
      const starts = modifier !== 'startswith';
      const ends = modifier !== 'endswith';
      // A regular expression is searched anywhere already: the position modifiers change nothing.
      if (value.type === 'regex') return value;
      if (value.type === 'fieldref')
        return { ...value, startsWith: value.startsWith || ends, endsWith: value.endsWith || starts };
      const text = asString();
      let tokens = text.tokens;
      if (starts) tokens = withLeadingAny(tokens);
      if (ends) tokens = withTrailingAny(tokens);
      return { ...text, tokens, source: null };
    }
    case 'base64':
    case 'base64offset': {
      const text = asString();
      if (hasWildcards(text.tokens))
        throw fail(`'${modifier}' cannot encode a value with wildcards (${text.source ?? 'modified value'})`);
      const bytes = Buffer.from(plainText(text.tokens) ?? '', text.bytes ? 'latin1' : 'utf8');
      if (modifier === 'base64') return encoded(bytes.toString('base64'));
      return { type: 'anyOf', values: base64Offsets(bytes).map(encoded) };
    }
    case 'utf16le':
    case 'wide':
    case 'utf16be':
    case 'utf16': {
      const text = asString();
      if (text.bytes) throw fail(`'${modifier}': the value is already encoded`);
      const encoding = modifier === 'utf16be' ? 'utf16be' : 'utf16le';
      const tokens = text.tokens.map((token) =>
        token.kind === 'text' ? { kind: 'text' as const, text: utf16Bytes(token.text, encoding) } : token,
      );
      const bom: PatternToken[] = modifier === 'utf16' ? [{ kind: 'text', text: '\u00ff\u00fe' }] : [];
      return { ...text, tokens: concatTokens([bom, tokens]), source: null, bytes: true };
    }
    case 'windash': {
      const text = asString();
      return { ...text, tokens: windash(text.tokens), source: null };
    }
    case 'cased': {
      if (value.type !== 'string')
        throw fail(`'cased' applies to strings, not to a ${typeName(value)} value`);
      return { ...value, cased: true };
    }
    case 're': {
      first();
      const text = asString();
      return { type: 'regex', source: text.source ?? '', flags: { i: false, m: false, s: false } };
    }
    case 'i':
    case 'ignorecase':
    case 'm':
    case 'multiline':
    case 's':
    case 'dotall': {
      if (value.type !== 'regex') throw fail(`'${modifier}' is a flag of 're' and must follow it`);
      const flag = modifier[0] === 'd' ? 's' : (modifier[0] as 'i' | 'm' | 's');
      return { ...value, flags: { ...value.flags, [flag]: true } };
    }
    case 'cidr': {
      first();
      const cidr = asString().source ?? '';
      if (!validCidr(cidr))
        throw new SigmaRuleError('invalid_value', where, `'${cidr}' is not an IPv4 or IPv6 CIDR`);
      return { type: 'cidr', cidr };
    }
    case 'exists': {
      first();
      if (field === null) throw fail("'exists' needs a field");
      if (value.type !== 'boolean') throw fail("'exists' takes true or false");
      return { type: 'exists', exists: value.value };
    }
    case 'fieldref': {
      const text = asString();
      const other = plainText(text.tokens);
      if (other === null || other === '') throw fail("'fieldref' takes a field name without wildcards");
      if (field === null) throw fail("'fieldref' needs a field");
      return { type: 'fieldref', field: other, startsWith: false, endsWith: false };
    }
    case 'expand': {
      const text = asString();
      return expand(text, where, placeholders);
    }
    default:
      break;
  }
  if ((COMPARE as readonly string[]).includes(modifier)) {
    const number = numeric(value);
    if (number === null) throw fail(`'${modifier}' compares with a number, not a ${typeName(value)} value`);
    return { type: 'compare', op: modifier as CompareOperator, value: number };
  }
  if ((TIME_UNITS as readonly string[]).includes(modifier)) {
    const number = numeric(value);
    if (number === null || !Number.isInteger(number))
      throw fail(`'${modifier}' compares a date's ${modifier} with an integer`);
    return { type: 'timePart', unit: modifier as TimeUnit, value: number };
  }
  throw new SigmaRuleError('unsupported_modifier', where, `unknown modifier '${modifier}'`);
}

function encoded(text: string): SigmaValue {
  return {
    type: 'string',
    tokens: text === '' ? [] : [{ kind: 'text', text }],
    cased: false,
    source: null,
    bytes: false,
  };
}

/**
 * The three base64 forms of `bytes` at offsets 0, 1 and 2 of an encoded stream, cut to the characters
 * that do not depend on the neighbouring bytes (pySigma's base64offset).
 */
function base64Offsets(bytes: Buffer): string[] {
  const starts = [0, 2, 3];
  const ends = [0, -3, -2];
  return [0, 1, 2].map((shift) => {
    const text = Buffer.concat([Buffer.alloc(shift, 0x20), bytes]).toString('base64');
    const end = ends[(bytes.length + shift) % 3] as number;
    return text.slice(starts[shift], end === 0 ? undefined : end);
  });
}

/** Each UTF-16 code unit as two one-byte characters, little- or big-endian. */
function utf16Bytes(text: string, encoding: 'utf16le' | 'utf16be'): string {
  let bytes = '';
  for (let index = 0; index < text.length; index += 1) {
    const unit = text.charCodeAt(index);
    const low = String.fromCharCode(unit & 0xff);
    const high = String.fromCharCode(unit >> 8);
    bytes += encoding === 'utf16le' ? low + high : high + low;
  }
  return bytes;
}

const WORD = /[\p{L}\p{N}_]/u;

/** `-` or `/` that starts a word after a non-word character (pySigma's `\B[-/]\b`): any dash or slash. */
function windash(tokens: readonly PatternToken[]): PatternToken[] {
  const result: PatternToken[] = [];
  for (const token of tokens) {
    if (token.kind !== 'text') {
      result.push(token);
      continue;
    }
    let text = '';
    const chars = [...token.text];
    chars.forEach((char, index) => {
      const before = chars[index - 1];
      const after = chars[index + 1];
      if (
        (char === '-' || char === '/') &&
        (before === undefined || !WORD.test(before)) &&
        after !== undefined &&
        WORD.test(after)
      ) {
        if (text) result.push({ kind: 'text', text });
        text = '';
        result.push({ kind: 'oneOf', chars: WINDASH });
      } else {
        text += char;
      }
    });
    if (text) result.push({ kind: 'text', text });
  }
  return result;
}

const PLACEHOLDER = /(?<!\\)%([A-Za-z0-9_.-]+)%/g;

/** `%name%` placeholders replaced by their configured values (OR-linked; several multiply); `\%` is `%`. */
function expand(text: StringValue, where: string, placeholders: Placeholders): SigmaValue {
  let variants: PatternToken[][] = [[]];
  for (const token of text.tokens) {
    if (token.kind !== 'text') {
      for (const variant of variants) variant.push(token);
      continue;
    }
    let last = 0;
    const parts: PatternToken[][][] = [];
    for (const match of token.text.matchAll(PLACEHOLDER)) {
      parts.push([[{ kind: 'text', text: unescapePercent(token.text.slice(last, match.index)) }]]);
      const name = match[1] as string;
      const values = placeholders[name];
      if (values === undefined || values.length === 0)
        throw new SigmaRuleError(
          'placeholder_unresolved',
          where,
          `placeholder %${name}% has no values (set sigma.placeholders.${name} in the config)`,
        );
      parts.push(values.map(parsePattern));
      last = match.index + match[0].length;
    }
    parts.push([[{ kind: 'text', text: unescapePercent(token.text.slice(last)) }]]);
    for (const alternatives of parts) {
      if (variants.length * alternatives.length > MAX_EXPANSIONS)
        throw new SigmaRuleError('too_complex', where, `expands to more than ${MAX_EXPANSIONS} values`);
      variants = variants.flatMap((variant) =>
        alternatives.map((alternative) => [...variant, ...alternative]),
      );
    }
  }
  const values = variants.map(
    (tokens): SigmaValue => ({ ...text, tokens: concatTokens([tokens]), source: null }),
  );
  return values.length === 1 ? (values[0] as SigmaValue) : { type: 'anyOf', values };
}

function unescapePercent(text: string): string {
  return text.replaceAll('\\%', '%');
}

function numeric(value: SigmaValue): number | null {
  if (value.type === 'number') return value.value;
  if (value.type === 'string' && value.source !== null && /^\s*-?\d+(\.\d+)?\s*$/.test(value.source))
    return Number(value.source);
  return null;
}

function validCidr(cidr: string): boolean {
  const [address, prefix, ...rest] = cidr.split('/');
  if (address === undefined || rest.length > 0) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

export function flatten(values: readonly SigmaValue[]): SigmaValue[] {
  return values.flatMap((value) => (value.type === 'anyOf' ? flatten(value.values) : [value]));
}

function typeName(value: SigmaValue): string {
  return value.type === 'timePart' ? 'date part' : value.type;
}

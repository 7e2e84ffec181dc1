import { isMap } from './detection-section.js';
import { metadataOf, type SigmaMetadata, type SigmaOrigin } from './document.js';
import { SigmaRuleError } from './errors.js';

export type CorrelationType = 'event_count' | 'value_count' | 'temporal' | 'temporal_ordered';
const TYPES: readonly CorrelationType[] = ['event_count', 'value_count', 'temporal', 'temporal_ordered'];

/** A count condition: every bound given must hold (`gt: 100, lte: 200` is a range). */
export interface CountCondition {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
  eq?: number;
}

/** A Sigma correlation rule, parsed; its `rules` are resolved against the loaded rules later. */
export interface ParsedCorrelation {
  kind: 'correlation';
  meta: SigmaMetadata;
  origin: SigmaOrigin;
  type: CorrelationType;
  /** Referenced rules (ids or names), in order: `temporal_ordered` requires this order. */
  rules: string[];
  groupBy: string[];
  timespanMs: number;
  /** Null for temporal types without a condition: every referenced rule must match. */
  condition: CountCondition | null;
  /** value_count: the field whose distinct values are counted. */
  field: string | null;
  /** alias → (rule name or id → field) */
  aliases: Record<string, Record<string, string>>;
  /** Whether the referenced rules also run on their own (default: only the correlation does). */
  generate: boolean;
}

const UNITS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses a correlation document (Sigma correlation specification v2): type, rules, group-by, timespan,
 * condition (gt/gte/lt/lte/eq, AND-linked), value_count's field, aliases, generate.
 *
 *   parseCorrelation(body, origin).type // 'event_count'
 */
export function parseCorrelation(body: Record<string, unknown>, origin: SigmaOrigin): ParsedCorrelation {
  const meta = metadataOf(body, origin);
  const section = body.correlation;
  const fail = (where: string, detail: string) =>
    new SigmaRuleError('correlation_invalid', `correlation.${where}`, detail);
  if (!isMap(section)) throw fail('', 'expected a map');
  const type = section.type;
  if (typeof type !== 'string' || !(TYPES as readonly string[]).includes(type))
    throw fail('type', `expected one of ${TYPES.join(', ')}, got ${JSON.stringify(type)}`);
  const rules = stringList(section.rules, 'rules', fail);
  if (rules.length === 0) throw fail('rules', 'at least one rule is required');
  const groupBy = section['group-by'] === undefined ? [] : stringList(section['group-by'], 'group-by', fail);
  const timespanMs = timespan(section.timespan, fail);
  const { condition, field } = conditionOf(section.condition, type as CorrelationType, fail);
  const generate = section.generate ?? body.generate ?? false;
  if (typeof generate !== 'boolean') throw fail('generate', 'expected true or false');
  return {
    kind: 'correlation',
    meta,
    origin,
    type: type as CorrelationType,
    rules,
    groupBy,
    timespanMs,
    condition,
    field,
    aliases: aliasesOf(section.aliases, fail),
    generate,
  };
}

type Fail = (where: string, detail: string) => SigmaRuleError;

function stringList(value: unknown, where: string, fail: Fail): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string' && item !== ''))
    throw fail(where, 'expected a list of names');
  return list;
}

function timespan(value: unknown, fail: Fail): number {
  const match = typeof value === 'string' ? /^(\d+)([smhd])$/.exec(value.trim()) : null;
  if (!match || Number(match[1]) <= 0)
    throw fail(
      'timespan',
      `expected a number and a unit s, m, h or d (e.g. 90m), got ${JSON.stringify(value)}`,
    );
  return Number(match[1]) * (UNITS[match[2] as string] as number);
}

function conditionOf(
  value: unknown,
  type: CorrelationType,
  fail: Fail,
): { condition: CountCondition | null; field: string | null } {
  const temporal = type === 'temporal' || type === 'temporal_ordered';
  if (value === undefined && temporal) return { condition: null, field: null };
  if (!isMap(value)) throw fail('condition', 'expected a map such as {gte: 10}');
  const condition: CountCondition = {};
  let field: string | null = null;
  for (const [key, bound] of Object.entries(value)) {
    if (key === 'field' && type === 'value_count') {
      if (typeof bound !== 'string' || bound === '') throw fail('condition.field', 'expected a field name');
      field = bound;
    } else if (key === 'gt' || key === 'gte' || key === 'lt' || key === 'lte' || key === 'eq') {
      if (typeof bound !== 'number' || !Number.isInteger(bound) || bound < 0)
        throw fail(`condition.${key}`, 'expected a non-negative integer');
      condition[key] = bound;
    } else {
      throw fail(
        `condition.${key}`,
        `unknown condition '${key}' (gt, gte, lt, lte, eq${type === 'value_count' ? ', field' : ''})`,
      );
    }
  }
  if (Object.keys(condition).length === 0)
    throw fail('condition', 'needs at least one of gt, gte, lt, lte, eq');
  if (type === 'value_count' && field === null)
    throw fail('condition.field', 'value_count counts the values of a field: set condition.field');
  return { condition, field };
}

function aliasesOf(value: unknown, fail: Fail): Record<string, Record<string, string>> {
  if (value === undefined || value === null) return {};
  if (!isMap(value)) throw fail('aliases', 'expected a map of alias → (rule → field)');
  const aliases: Record<string, Record<string, string>> = {};
  for (const [alias, mapping] of Object.entries(value)) {
    if (!isMap(mapping) || !Object.values(mapping).every((field) => typeof field === 'string'))
      throw fail(`aliases.${alias}`, 'expected a map of rule name → field');
    aliases[alias] = mapping as Record<string, string>;
  }
  return aliases;
}

/** Whether a count satisfies every bound of the condition. */
export function satisfies(condition: CountCondition, count: number): boolean {
  return (
    (condition.gt === undefined || count > condition.gt) &&
    (condition.gte === undefined || count >= condition.gte) &&
    (condition.lt === undefined || count < condition.lt) &&
    (condition.lte === undefined || count <= condition.lte) &&
    (condition.eq === undefined || count === condition.eq)
  );
}

/** `gte 10`, `gt 100 and lte 200`: for titles and listings. */
export function describeCondition(condition: CountCondition): string {
  return Object.entries(condition)
    .map(([op, bound]) => `${op} ${bound}`)
    .join(' and ');
}

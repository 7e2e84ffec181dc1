import { parseCondition } from './condition.js';
import { SigmaRuleError } from './errors.js';
import { depthOf, type Expression, junction } from './expression.js';
import { detectionItem, type Placeholders } from './modifiers.js';

/** Deeper conditions are refused: evaluating them recursively must stay far from the stack limit. */
const MAX_CONDITION_DEPTH = 2_000;

/**
 * The `detection` section as one expression: each search identifier compiled once, the condition (or
 * the OR of a list of conditions) over them.
 *
 *   detectionExpression({ selection: { eventName: 'CreateUser' }, condition: 'selection' }, {})
 */
export function detectionExpression(detection: unknown, placeholders: Placeholders): Expression {
  if (!isMap(detection))
    throw new SigmaRuleError('missing_field', 'detection', 'a rule needs a detection map');
  const { condition, timeframe, ...searches } = detection;
  if (timeframe !== undefined)
    throw new SigmaRuleError(
      'invalid_field',
      'detection.timeframe',
      "'timeframe' was removed in Sigma v2: write a correlation rule",
    );
  const identifiers = new Map<string, Expression>();
  for (const [name, definition] of Object.entries(searches)) {
    identifiers.set(name, searchExpression(definition, `detection.${name}`, placeholders));
  }
  const conditions = typeof condition === 'string' ? [condition] : condition;
  if (
    !Array.isArray(conditions) ||
    conditions.length === 0 ||
    !conditions.every((c) => typeof c === 'string')
  )
    throw new SigmaRuleError(
      'missing_field',
      'detection.condition',
      'a condition (a string or a list of strings) is required',
    );
  const expression = junction(
    'or',
    conditions.map((text, index) =>
      parseCondition(
        text,
        identifiers,
        conditions.length > 1 ? `detection.condition[${index}]` : 'detection.condition',
      ),
    ),
  );
  const depth = depthOf(expression);
  if (depth > MAX_CONDITION_DEPTH)
    throw new SigmaRuleError(
      'too_complex',
      'detection.condition',
      `nested ${depth} levels deep (at most ${MAX_CONDITION_DEPTH})`,
    );
  return expression;
}

/** A search identifier: a map is an AND of its items, a list an OR of its maps and keywords, a scalar a keyword. */
function searchExpression(definition: unknown, where: string, placeholders: Placeholders): Expression {
  if (isMap(definition)) {
    const entries = Object.entries(definition);
    if (entries.length === 0) throw new SigmaRuleError('invalid_value', where, 'an empty map');
    return junction(
      'and',
      entries.map(([key, value]) => ({ kind: 'item', item: detectionItem(key, value, where, placeholders) })),
    );
  }
  if (Array.isArray(definition)) {
    if (definition.length === 0) throw new SigmaRuleError('invalid_value', where, 'an empty list');
    const keywords = definition.filter((element) => !isMap(element));
    const maps = definition.filter(isMap);
    const parts: Expression[] = maps.map((map, index) =>
      searchExpression(map, `${where}[${index}]`, placeholders),
    );
    if (keywords.length > 0)
      parts.unshift({ kind: 'item', item: detectionItem('', keywords, where, placeholders) });
    return junction('or', parts);
  }
  if (typeof definition === 'string' || typeof definition === 'number')
    return { kind: 'item', item: detectionItem('', definition, where, placeholders) };
  throw new SigmaRuleError('invalid_value', where, 'a search identifier must be a map, a list or a keyword');
}

export function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

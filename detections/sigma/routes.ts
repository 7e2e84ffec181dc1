import { cloudTrailAction } from '../../processor/decode/cloudtrail.js';
import type { EventSource } from '../../schemas/types.js';
import type { Route } from '../api.js';
import type { Expression } from './expression.js';
import { plainText } from './pattern.js';

/** Fields whose equality names the routed action: CloudTrail's eventSource/eventName, GuardDuty's type. */
const ROUTING_FIELDS = new Set(['eventSource', 'eventName', 'type']);

/** Beyond this many (eventSource, eventName) combinations a rule routes on every action of its source. */
const MAX_ALTERNATIVES = 10_000;

/** One way the condition can hold, as far as routing fields tell: field → value (as written; compared without case). */
type Alternative = Readonly<Record<string, string>>;

/**
 * The routes of a rule: the actions its condition requires when it requires eventSource / eventName
 * (GuardDuty: type) equalities on every path, so the router hands it only those events and the prefilter
 * can skip the others unparsed; every action of the source otherwise. Compared without case, as Sigma
 * compares values: a necessary condition only, the compiled rule still decides.
 *
 *   routesOf(expression, ['cloudtrail']) // [{ source: 'cloudtrail', actions: ['iam:createuser'], ignoreCase: true }]
 */
export function routesOf(expression: Expression, sources: readonly EventSource[]): Route[] {
  const ways = alternatives(expression, new Map());
  return sources.map((source) => {
    const actions = new Map<string, string>();
    for (const way of ways) {
      const action = actionOf(source, way);
      if (action === '*') return { source, actions: '*' as const };
      if (!actions.has(action.toLowerCase())) actions.set(action.toLowerCase(), action);
    }
    return { source, actions: [...actions.values()].sort(), ignoreCase: true };
  });
}

function actionOf(source: EventSource, way: Alternative): string {
  if (source === 'guardduty') return way.type ?? '*';
  if (source !== 'cloudtrail') return '*';
  const { eventSource, eventName } = way;
  if (eventSource !== undefined && eventName !== undefined) return cloudTrailAction(eventSource, eventName);
  if (eventSource !== undefined) return `${cloudTrailAction(eventSource, 'x').slice(0, -2)}:*`;
  if (eventName !== undefined) return `*:${cloudTrailAction('x', eventName).slice(2)}`;
  return '*';
}

const UNCONSTRAINED: Alternative[] = [{}];

function alternatives(node: Expression, memo: Map<Expression, Alternative[]>): Alternative[] {
  const known = memo.get(node);
  if (known) return known;
  let result: Alternative[];
  if (node.kind === 'item') result = itemAlternatives(node);
  else if (node.kind === 'not') result = UNCONSTRAINED;
  else if (node.kind === 'or') {
    const all = node.parts.flatMap((part) => alternatives(part, memo));
    result =
      all.some((way) => Object.keys(way).length === 0) || all.length > MAX_ALTERNATIVES
        ? UNCONSTRAINED
        : unique(all);
  } else {
    result = UNCONSTRAINED;
    for (const part of node.parts) {
      const next = alternatives(part, memo);
      if (result.length * next.length > MAX_ALTERNATIVES) {
        result = UNCONSTRAINED;
        break;
      }
      result = intersect(result, next);
    }
  }
  memo.set(node, result);
  return result;
}

function itemAlternatives(node: Extract<Expression, { kind: 'item' }>): Alternative[] {
  const { item } = node;
  if (item.field === null || !ROUTING_FIELDS.has(item.field) || item.negated) return UNCONSTRAINED;
  if (item.linking === 'and' && item.values.length > 1) return UNCONSTRAINED;
  const field = item.field;
  const ways: Alternative[] = [];
  for (const value of item.values) {
    const plain = value.type === 'string' && !value.bytes ? plainText(value.tokens) : null;
    if (plain === null) return UNCONSTRAINED;
    ways.push({ [field]: plain });
  }
  return unique(ways);
}

function intersect(left: readonly Alternative[], right: readonly Alternative[]): Alternative[] {
  const merged: Alternative[] = [];
  for (const a of left) {
    for (const b of right) {
      const conflict = Object.entries(b).some(
        ([key, value]) => a[key] !== undefined && a[key].toLowerCase() !== value.toLowerCase(),
      );
      if (!conflict) merged.push({ ...a, ...b });
    }
  }
  return unique(merged);
}

function unique(ways: readonly Alternative[]): Alternative[] {
  const byKey = new Map<string, Alternative>();
  for (const way of ways) byKey.set(JSON.stringify(Object.entries(way).sort()).toLowerCase(), way);
  return [...byKey.values()];
}

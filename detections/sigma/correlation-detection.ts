import { map } from 'rxjs';
import type { EventSource, Finding, SecurityEvent } from '../../schemas/types.js';
import type { Route } from '../api.js';
import { buildFinding, MAX_EVIDENCE } from '../finding.js';
import { describeCondition } from './correlation.js';
import {
  type CorrelationMatch,
  type CorrelationNode,
  correlationOperator,
  groupReader,
} from './correlation-engine.js';
import type { CompiledRule } from './rule.js';
import {
  attribution,
  falsePositivesText,
  type SigmaDetection,
  type SigmaDetectionOptions,
  sigmaInfo,
  sigmaMeta,
} from './sigma-detection.js';

/**
 * A correlation rule as a Detection: stateful (its events travel to `detect` in the ingest/detect split,
 * keyed by the group-by values), routed on the union of its rules' routes, one finding per window that
 * holds (dedup folds a group's repeats). Chained correlations run inside the outermost one.
 *
 *   correlationDetection(root, { dedupPeriodMs: hours(1), views })
 */
export function correlationDetection(root: CorrelationNode, options: SigmaDetectionOptions): SigmaDetection {
  const { correlation } = root;
  const info = sigmaInfo('correlation', correlation.meta, correlation.origin);
  const rules = rulesOf(root);
  const meta = sigmaMeta(correlation.meta, info, {
    tags: rules.flatMap((rule) => rule.meta.tags),
    dedupPeriodMs: options.dedupPeriodMs,
  });
  const detection: SigmaDetection = {
    ...meta,
    description: correlation.meta.description || `${summaryOf(root)}.`,
    routes: unionOfRoutes(rules),
    stateful: { partitionKey: partitionKeyOf(root, meta.id, options) },
    sigma: info,
    operator:
      ({ clock }) =>
      (events) =>
        events.pipe(
          correlationOperator({ root, clock, views: options.views }),
          map((match) => correlationFinding(detection, root, match)),
        ),
  };
  return detection;
}

function correlationFinding(
  detection: SigmaDetection,
  root: CorrelationNode,
  match: CorrelationMatch,
): Finding {
  const { correlation } = root;
  const group = Object.entries(match.groupValues)
    .map(([field, value]) => `${field}=${value}`)
    .join(', ');
  const what = `${countText(root, match.count)} within ${spanText(correlation.timespanMs)}${group ? ` for ${group}` : ''}`;
  const trigger = match.trigger.event;
  const evidence: SecurityEvent[] = match.evidence.includes(trigger)
    ? match.evidence
    : [...match.evidence.slice(0, MAX_EVIDENCE - 1), trigger];
  const finding = buildFinding(detection, {
    key: group || '-',
    trigger,
    events: evidence,
    count: 1,
    title: `${correlation.meta.title}: ${what}`,
    description: `${detection.description} Matched: ${what}.${falsePositivesText(correlation.meta)}`,
    context: {
      ...attribution(detection.sigma),
      correlation: correlation.type,
      count: String(match.count),
      timespan: spanText(correlation.timespanMs),
      rules: correlation.rules.join(', '),
      ...Object.fromEntries(
        Object.entries(match.groupValues).map(([field, value]) => [`group.${field}`, value]),
      ),
    },
  });
  return { ...finding, window: { start: match.windowStart, end: match.trigger.time } };
}

function countText(root: CorrelationNode, count: number): string {
  const { correlation } = root;
  switch (correlation.type) {
    case 'event_count':
      return `${count} event${count === 1 ? '' : 's'}`;
    case 'value_count':
      return `${count} distinct ${correlation.field}`;
    case 'temporal':
      return `${count} of ${correlation.rules.length} rules (${correlation.rules.join(', ')})`;
    default:
      return `${count} of ${correlation.rules.length} rules in order (${correlation.rules.join(' then ')})`;
  }
}

function summaryOf(root: CorrelationNode): string {
  const { correlation } = root;
  const condition = correlation.condition ? ` ${describeCondition(correlation.condition)}` : '';
  const by = correlation.groupBy.length > 0 ? ` by ${correlation.groupBy.join(', ')}` : '';
  return `Sigma ${correlation.type} correlation of ${correlation.rules.join(', ')}${condition} within ${spanText(correlation.timespanMs)}${by}`;
}

/** 600000 → `10m`. */
function spanText(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms / 1000}s`;
}

/** Every detection rule under a correlation, through chained correlations. */
function rulesOf(root: CorrelationNode): CompiledRule[] {
  const rules = new Set<CompiledRule>();
  const visit = (node: CorrelationNode) => {
    for (const input of node.inputs) {
      if (input.kind === 'rule') rules.add(input.rule);
      else visit(input.node);
    }
  };
  visit(root);
  return [...rules];
}

function unionOfRoutes(rules: readonly CompiledRule[]): Route[] {
  const bySource = new Map<EventSource, Set<string> | '*'>();
  for (const route of rules.flatMap((rule) => rule.routes)) {
    const known = bySource.get(route.source);
    if (known === '*' || route.actions === '*') bySource.set(route.source, '*');
    else bySource.set(route.source, new Set([...(known ?? []), ...route.actions]));
  }
  return [...bySource].map(([source, actions]) =>
    actions === '*' ? { source, actions } : { source, actions: [...actions].sort(), ignoreCase: true },
  );
}

/**
 * The keyed-stream partition key of an event: its group when the correlation stands alone (or every
 * chained correlation groups by the same fields without aliases), so a group's events meet in one
 * `detect` task; one key for the whole correlation otherwise. Null for events no referenced rule matches.
 */
function partitionKeyOf(
  root: CorrelationNode,
  id: string,
  options: SigmaDetectionOptions,
): (event: SecurityEvent) => string | null {
  const nodes = nodesOf(root);
  const sameGrouping =
    nodes.length === 1 ||
    nodes.every(
      (node) =>
        Object.keys(node.correlation.aliases).length === 0 &&
        JSON.stringify(node.correlation.groupBy) === JSON.stringify(root.correlation.groupBy),
    );
  const inputs = nodes.flatMap((node) =>
    node.inputs.flatMap((input) =>
      input.kind === 'rule' ? [{ rule: input.rule, group: groupReader(node.correlation, input) }] : [],
    ),
  );
  return (event) => {
    const view = options.views.of(event.raw);
    for (const { rule, group } of inputs) {
      if (!rule.sources.includes(event.source) || !rule.predicate(view)) continue;
      if (!sameGrouping) return id;
      const key = group(event);
      if (key !== null) return `${id}|${key}`;
    }
    return null;
  };
}

function nodesOf(root: CorrelationNode): CorrelationNode[] {
  const nodes = new Set<CorrelationNode>();
  const visit = (node: CorrelationNode) => {
    nodes.add(node);
    for (const input of node.inputs) if (input.kind === 'correlation') visit(input.node);
  };
  visit(root);
  return [...nodes];
}

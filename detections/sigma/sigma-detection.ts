import { filter, map } from 'rxjs';
import type { Finding, JsonValue, SecurityEvent } from '../../schemas/types.js';
import type { Detection, DetectionMeta } from '../api.js';
import { buildFinding, principalLabel } from '../finding.js';
import type { SigmaMetadata, SigmaOrigin } from './document.js';
import type { EventViews } from './event-view.js';
import type { Expression } from './expression.js';
import { candidateStrings, fieldPath } from './field-path.js';
import { runbookOf, tacticsOf, techniquesOf } from './metadata.js';
import type { CompiledRule } from './rule.js';

/** Where a Sigma detection comes from and whose it is, shown with it in `list`, `validate` and findings. */
export interface SigmaInfo {
  kind: 'rule' | 'correlation';
  ruleId: string;
  title: string;
  status: string | null;
  author: string | null;
  /** The rule's `license`, else its rule set's (a LICENSE file beside it), else `unspecified`. */
  license: string;
  file: string;
  document: number;
}

/** A Sigma rule (or correlation) compiled into shardwatch's Detection type. */
export interface SigmaDetection extends Detection {
  sigma: SigmaInfo;
}

export interface SigmaDetectionOptions {
  /** Findings with the same (rule, principal, account) within this event-time period fold into one; null: none. */
  dedupPeriodMs: number | null;
  views: EventViews;
}

interface ShownField {
  field: string;
  read: (raw: JsonValue) => JsonValue[];
}

/** Findings show at most this many of the fields a rule reads, with their values. */
const CONTEXT_FIELDS = 12;
const CONTEXT_VALUE_LENGTH = 200;

export function sigmaInfo(kind: SigmaInfo['kind'], meta: SigmaMetadata, origin: SigmaOrigin): SigmaInfo {
  return {
    kind,
    ruleId: meta.id,
    title: meta.title,
    status: meta.status,
    author: meta.author,
    license: meta.license ?? origin.license ?? 'unspecified',
    file: origin.file,
    document: origin.document,
  };
}

/** The metadata every Sigma detection shares: id `sigma-<rule id>`, severity from level, MITRE from tags. */
export function sigmaMeta(
  meta: SigmaMetadata,
  info: SigmaInfo,
  extra: { tags?: readonly string[]; dedupPeriodMs: number | null },
): Omit<DetectionMeta, 'routes'> {
  const tags = [...meta.tags, ...(extra.tags ?? [])];
  const tactics = tacticsOf(tags);
  return {
    id: `sigma-${meta.id}`,
    title: meta.title,
    description: meta.description || meta.title,
    severity: meta.severity,
    mitre: techniquesOf(tags),
    ...(tactics.length > 0 ? { tactics } : {}),
    runbook: runbookOf(meta.references, meta.id),
    remediation: remediationOf(meta, info),
    ...(extra.dedupPeriodMs ? { dedupPeriodMs: extra.dedupPeriodMs } : {}),
  };
}

/**
 * A single-event Sigma rule as a Detection: the compiled predicate on each routed event, a finding per
 * match with the rule's text, author and license. Failed calls are not dropped: a Sigma rule says itself
 * whether they count (`errorCode: null`, `errorCode: 'Success'`…), so `failedCalls` is left unset.
 */
export function ruleDetection(rule: CompiledRule, options: SigmaDetectionOptions): SigmaDetection {
  const info = sigmaInfo('rule', rule.meta, rule.origin);
  const shown = shownFields(rule.expression, rule.meta.fields).map((field) => ({
    field,
    read: fieldPath(field),
  }));
  const detection: SigmaDetection = {
    ...sigmaMeta(rule.meta, info, { dedupPeriodMs: options.dedupPeriodMs }),
    routes: rule.routes,
    sigma: info,
    operator: () => (events) =>
      events.pipe(
        filter((event) => rule.predicate(options.views.of(event.raw))),
        map((event) => ruleFinding(detection, rule.meta, event, shown)),
      ),
  };
  return detection;
}

function ruleFinding(
  detection: SigmaDetection,
  meta: SigmaMetadata,
  event: SecurityEvent,
  shown: readonly ShownField[],
): Finding {
  const actor = principalLabel(event);
  const key = `${actor ?? '-'}|${event.account ?? '-'}`;
  const what = `${event.action}${actor ? ` by ${actor}` : ''}`;
  const where = [event.account, event.region].filter(Boolean).join('/');
  return buildFinding(detection, {
    key,
    trigger: event,
    title: `${meta.title}: ${what}`,
    description: `${detection.description} Matched ${what}${where ? ` in ${where}` : ''}.${falsePositivesText(meta)}`,
    context: { ...attribution(detection.sigma), ...fieldContext(event.raw, shown) },
  });
}

/** Rule id, author, license: DRL 1.1 asks for the author wherever a rule's content is shown. */
export function attribution(info: SigmaInfo): Record<string, string> {
  return {
    sigmaRule: info.ruleId,
    sigmaAuthor: info.author ?? 'unknown',
    sigmaLicense: info.license,
    ...(info.status ? { sigmaStatus: info.status } : {}),
  };
}

export function falsePositivesText(meta: SigmaMetadata): string {
  if (meta.falsepositives.length === 0) return '';
  return ` Known false positives: ${meta.falsepositives.map((text) => text.trim().replace(/\.$/, '')).join('; ')}.`;
}

function remediationOf(meta: SigmaMetadata, info: SigmaInfo): string {
  const known = meta.falsepositives.length > 0 ? ' (the description lists its known false positives)' : '';
  return (
    `Check whether the activity was expected${known}. If nothing explains it, review what the principal did ` +
    `around it and follow the runbook. Sigma rule ${meta.id} by ${info.author ?? 'an unknown author'}, ${info.license}.`
  );
}

/** The fields the rule reads (then its `fields`), in order of appearance. */
function shownFields(expression: Expression, fields: readonly string[]): string[] {
  const found = new Set<string>();
  const queue: Expression[] = [expression];
  const seen = new Set<Expression>();
  for (let next = 0; next < queue.length && found.size < CONTEXT_FIELDS; next += 1) {
    const node = queue[next] as Expression;
    if (seen.has(node)) continue;
    seen.add(node);
    if (node.kind === 'item') {
      if (node.item.field !== null) found.add(node.item.field);
    } else if (node.kind === 'not') queue.push(node.part);
    else queue.push(...node.parts);
  }
  for (const field of fields) found.add(field);
  return [...found].slice(0, CONTEXT_FIELDS);
}

/** The shown fields' values in the record, as text (paths compiled once per rule). */
function fieldContext(raw: JsonValue, fields: readonly ShownField[]): Record<string, string> {
  const context: Record<string, string> = {};
  for (const { field, read } of fields) {
    const values = read(raw);
    if (values.length === 0) continue;
    const text = values
      .map((value) => (value === null ? 'null' : (candidateStrings(value)[0] ?? '')))
      .join(', ');
    context[field] = text.length > CONTEXT_VALUE_LENGTH ? `${text.slice(0, CONTEXT_VALUE_LENGTH)}…` : text;
  }
  return context;
}

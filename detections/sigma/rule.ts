import type { EventSource } from '../../schemas/types.js';
import type { Route } from '../api.js';
import { compileExpression } from './compile.js';
import { detectionExpression } from './detection-section.js';
import { metadataOf, type SigmaMetadata, type SigmaOrigin } from './document.js';
import type { Expression } from './expression.js';
import type { Predicate } from './item-matcher.js';
import { sourcesOf } from './logsource.js';
import type { Placeholders } from './modifiers.js';
import { routesOf } from './routes.js';

/** A Sigma detection rule compiled: its metadata, what it applies to, and its predicate over events. */
export interface CompiledRule {
  kind: 'rule';
  meta: SigmaMetadata;
  origin: SigmaOrigin;
  sources: readonly EventSource[];
  expression: Expression;
  predicate: Predicate;
  routes: Route[];
}

/**
 * Compiles a rule document (title, logsource, detection…). Throws SigmaRuleError naming the construct
 * and where it is when the rule cannot be used as written.
 *
 *   compileRule(body, { file: 'x.yml', document: 1, license: 'DRL-1.1' }, {})
 */
export function compileRule(
  body: Record<string, unknown>,
  origin: SigmaOrigin,
  placeholders: Placeholders,
): CompiledRule {
  const meta = metadataOf(body, origin);
  const sources = sourcesOf(body.logsource);
  const expression = detectionExpression(body.detection, placeholders);
  return {
    kind: 'rule',
    meta,
    origin,
    sources,
    expression,
    predicate: compileExpression(expression),
    routes: routesOf(expression, sources),
  };
}

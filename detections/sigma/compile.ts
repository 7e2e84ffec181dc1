import type { EventView } from './event-view.js';
import type { Expression } from './expression.js';
import { itemMatcher, type Predicate } from './item-matcher.js';

/**
 * Turns an expression into one closure tree, built once: evaluating an event walks closures, never YAML.
 * Shared subtrees (an identifier used twice) are compiled once.
 *
 *   const matches = compileExpression(expression); matches(views.of(event.raw));
 */
export function compileExpression(root: Expression): Predicate {
  const compiled = new Map<Expression, Predicate>();
  const compile = (node: Expression): Predicate => {
    let predicate = compiled.get(node);
    if (predicate) return predicate;
    if (node.kind === 'item') predicate = itemMatcher(node.item);
    else if (node.kind === 'not') {
      const part = compile(node.part);
      predicate = (view: EventView) => !part(view);
    } else {
      const parts = node.parts.map(compile);
      predicate =
        node.kind === 'and'
          ? (view: EventView) => {
              for (const part of parts) if (!part(view)) return false;
              return true;
            }
          : (view: EventView) => {
              for (const part of parts) if (part(view)) return true;
              return false;
            };
    }
    compiled.set(node, predicate);
    return predicate;
  };
  return compile(root);
}

import type { DetectionItem } from './values.js';

/**
 * A rule's detection logic as a tree: the condition with every search identifier replaced by its
 * definition (a map is an AND of items, a list an OR). Shared by the compiler, the route derivation and
 * the witness builder of the tests, so all three read the same semantics.
 */
export type Expression =
  | { kind: 'item'; item: DetectionItem }
  | { kind: 'and'; parts: Expression[] }
  | { kind: 'or'; parts: Expression[] }
  | { kind: 'not'; part: Expression };

/** AND/OR of parts, flattening nested nodes of the same kind (so long chains do not make deep trees). */
export function junction(kind: 'and' | 'or', parts: readonly Expression[]): Expression {
  const flat = parts.flatMap((part) => (part.kind === kind ? part.parts : [part]));
  return flat.length === 1 ? (flat[0] as Expression) : { kind, parts: flat };
}

/** NOT, with double negation removed. */
export function negation(part: Expression): Expression {
  return part.kind === 'not' ? part.part : { kind: 'not', part };
}

/** The tree's depth, measured without recursion (a hostile rule may be deep); shared subtrees once. */
export function depthOf(root: Expression): number {
  const heights = new Map<Expression, number>();
  const childrenOf = (node: Expression): Expression[] =>
    node.kind === 'and' || node.kind === 'or' ? node.parts : node.kind === 'not' ? [node.part] : [];
  const stack: Expression[] = [root];
  while (stack.length > 0) {
    const node = stack.at(-1) as Expression;
    const pending = childrenOf(node).filter((child) => !heights.has(child));
    if (pending.length > 0 && !heights.has(node)) {
      stack.push(...pending);
      continue;
    }
    stack.pop();
    if (!heights.has(node))
      heights.set(
        node,
        1 + childrenOf(node).reduce((max, child) => Math.max(max, heights.get(child) ?? 0), 0),
      );
  }
  return heights.get(root) ?? 0;
}

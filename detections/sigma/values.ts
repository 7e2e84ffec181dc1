import type { PatternToken } from './pattern.js';

export type TimeUnit = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';
export type CompareOperator = 'gt' | 'gte' | 'lt' | 'lte';

/**
 * A detection value after its modifiers, ready to be compiled into a test (pySigma's value types).
 * `string` holds a pattern; `anyOf` is an expansion (base64offset, expand) whose values are OR-linked.
 */
export type SigmaValue =
  | {
      type: 'string';
      tokens: PatternToken[];
      cased: boolean;
      /** The text as written, while no modifier changed it (`re`, `cidr`, `fieldref` read it). */
      source: string | null;
      /** Set by the utf16 modifiers: each character stands for one byte (base64 encodes them as such). */
      bytes: boolean;
    }
  | { type: 'number'; value: number }
  | { type: 'boolean'; value: boolean }
  | { type: 'null' }
  | { type: 'regex'; source: string; flags: { i: boolean; m: boolean; s: boolean } }
  | { type: 'fieldref'; field: string; startsWith: boolean; endsWith: boolean }
  | { type: 'cidr'; cidr: string }
  | { type: 'compare'; op: CompareOperator; value: number }
  | { type: 'exists'; exists: boolean }
  | { type: 'timePart'; unit: TimeUnit; value: number }
  | { type: 'anyOf'; values: SigmaValue[] };

/** One `field|modifiers: values` entry of a search identifier (field null: a keyword search over the event). */
export interface DetectionItem {
  field: string | null;
  modifiers: readonly string[];
  values: SigmaValue[];
  /** `all` links the values with AND; they are OR-linked otherwise. */
  linking: 'and' | 'or';
  /** `neq`: the item holds when its values do not. */
  negated: boolean;
  /** Where in the rule, for errors and explanations: `detection.selection.eventName`. */
  where: string;
}

/** The values of an item as OR-groups that are AND-linked (`all`) or one OR-group. */
export function valueGroups(item: DetectionItem): SigmaValue[][] {
  const expand = (value: SigmaValue): SigmaValue[] =>
    value.type === 'anyOf' ? value.values.flatMap(expand) : [value];
  return item.linking === 'and' ? item.values.map(expand) : [item.values.flatMap(expand)];
}

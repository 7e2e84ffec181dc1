import type { JsonValue } from '../../../schemas/types.js';
import { at, text } from './record.js';

/**
 * Readers for the shape newer EC2 APIs (flow logs, traffic mirroring, ModifySecurityGroupRules) take in
 * CloudTrail: the request wrapped as `{ <Action>Request: {...} }` in the API's own casing, a list written as
 * one object when it has one member and as an array otherwise, and list members as `{ content, tag }`.
 *
 *   scalar({ content: 'fl-0e17aa62a21d4bbfe', tag: 1 })     // 'fl-0e17aa62a21d4bbfe'
 *   oneOrMany({ SecurityGroupRuleId: 'sgr-1' }).length       // 1
 */

/** A string or number, bare or as the `content` of a list member; null for anything else. */
export function scalar(value: JsonValue | undefined): string | null {
  return text(value) ?? text(at(value, 'content'));
}

/** A list written as an array, or as a single object (or string) when it has one member. */
export function oneOrMany(value: JsonValue | undefined): JsonValue[] {
  if (Array.isArray(value)) return value;
  return value === undefined || value === null || value === '' ? [] : [value];
}

/** The scalars of such a list: `FlowLogId: {content}` or `FlowLogId: [{content}, ...]` or `['fl-1']`. */
export function scalars(value: JsonValue | undefined): string[] {
  return oneOrMany(value)
    .map(scalar)
    .filter((id): id is string => id !== null);
}

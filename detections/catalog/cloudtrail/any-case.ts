import type { JsonValue, SecurityEvent } from '../../../schemas/types.js';
import { at, request } from './record.js';

/**
 * A request parameter in either casing: services such as Security Hub record `Workflow`/`FindingIdentifiers`
 * (their API's PascalCase), most others `workflow`, and exports differ. Tries the path as given, then with
 * every step's first letter switched.
 *
 *   requestAnyCase(event, 'Workflow', 'Status') // reads Workflow.Status or workflow.status
 */
export function requestAnyCase(event: SecurityEvent, ...path: readonly string[]): JsonValue | undefined {
  return request(event, ...path) ?? request(event, ...path.map(switchFirstLetter));
}

/** The same for a value already read. */
export function atAnyCase(value: JsonValue | undefined, ...path: readonly string[]): JsonValue | undefined {
  return at(value, ...path) ?? at(value, ...path.map(switchFirstLetter));
}

function switchFirstLetter(name: string): string {
  const first = name.charAt(0);
  const switched = first === first.toUpperCase() ? first.toLowerCase() : first.toUpperCase();
  return switched + name.slice(1);
}

import type { JsonValue } from '../../../schemas/types.js';
import { at } from './record.js';

/**
 * Whether an IAM policy document (as CloudTrail records it: a JSON string, sometimes URL-encoded) has an
 * Allow statement for every action on every resource, i.e. grants administrator access.
 *
 *   allowsEverything('{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}') // true
 *   allowsEverything('not json')                                                     // false
 */
export function allowsEverything(document: string): boolean {
  const parsed = parsePolicy(document);
  const statements = at(parsed, 'Statement');
  const list = Array.isArray(statements) ? statements : statements === undefined ? [] : [statements];
  return list.some(
    (statement) =>
      at(statement, 'Effect') === 'Allow' &&
      includesWildcard(at(statement, 'Action')) &&
      includesWildcard(at(statement, 'Resource')),
  );
}

function parsePolicy(document: string): JsonValue | undefined {
  for (const candidate of [document, safeDecodeUri(document)]) {
    try {
      return JSON.parse(candidate) as JsonValue;
    } catch {
      // try the next encoding
    }
  }
  return undefined;
}

function safeDecodeUri(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

function includesWildcard(value: JsonValue | undefined): boolean {
  return value === '*' || (Array.isArray(value) && value.includes('*'));
}

import { field } from './record-fields.js';

/**
 * Whether an IAM policy document allows every action on every resource. CloudTrail gives
 * `policyDocument` as a JSON string, sometimes URL-encoded; anything unparsable is not admin.
 *
 *   isAdminPolicyDocument('{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}'); // true
 *   isAdminPolicyDocument('%7B%22Statement%22%3A%5B%5D%7D'); // false
 */
export function isAdminPolicyDocument(document: unknown): boolean {
  const statements = field(parsePolicyDocument(document), 'Statement');
  const list = Array.isArray(statements) ? statements : [statements];
  return list.some(
    (statement) =>
      field(statement, 'Effect') === 'Allow' &&
      includesWildcard(field(statement, 'Action')) &&
      includesWildcard(field(statement, 'Resource')),
  );
}

function parsePolicyDocument(document: unknown): unknown {
  if (typeof document !== 'string') return document;
  for (const decode of [(value: string) => value, decodeURIComponent]) {
    try {
      return JSON.parse(decode(document)) as unknown;
    } catch {
      // not this encoding; try the next
    }
  }
  return null;
}

function includesWildcard(value: unknown): boolean {
  return value === '*' || (Array.isArray(value) && value.includes('*'));
}

import type { JsonValue } from '../../../schemas/types.js';
import { at } from './record.js';

/** One principal an Allow statement names: `AWS` (an account or ARN, or `*`), `Service`, `Federated`... */
export interface AllowedPrincipal {
  kind: string;
  value: string;
  /** The statement carries a Condition (aws:SourceAccount, aws:PrincipalOrgID...) that may narrow it. */
  conditioned: boolean;
}

/**
 * The statements of an IAM policy document as CloudTrail records it: a JSON string (sometimes URL-encoded,
 * as IAM writes it) or an object (S3 writes bucket policies parsed); [] when it is neither.
 *
 *   policyStatements('{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}').length // 1
 */
export function policyStatements(document: JsonValue | undefined): JsonValue[] {
  const parsed = typeof document === 'string' ? parsePolicy(document) : document;
  const statements = at(parsed, 'Statement');
  return Array.isArray(statements) ? statements : statements === undefined ? [] : [statements];
}

/**
 * Whether a policy document has an Allow statement for every action on every resource, i.e. grants
 * administrator access.
 *
 *   allowsEverything('{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}') // true
 *   allowsEverything('not json')                                                     // false
 */
export function allowsEverything(document: JsonValue | undefined): boolean {
  return policyStatements(document).some(
    (statement) =>
      at(statement, 'Effect') === 'Allow' &&
      includesWildcard(at(statement, 'Action')) &&
      includesWildcard(at(statement, 'Resource')),
  );
}

/**
 * Every principal the Allow statements of a trust or resource policy name. `"Principal": "*"` is
 * `{ kind: 'AWS', value: '*' }`; NotPrincipal statements are left out (they allow by exclusion).
 *
 *   allowedPrincipals('{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:root"}}]}')
 *   // [{ kind: 'AWS', value: 'arn:aws:iam::999988887777:root', conditioned: false }]
 */
export function allowedPrincipals(document: JsonValue | undefined): AllowedPrincipal[] {
  const principals: AllowedPrincipal[] = [];
  for (const statement of policyStatements(document)) {
    if (at(statement, 'Effect') !== 'Allow') continue;
    const conditioned = at(statement, 'Condition') !== undefined;
    const principal = at(statement, 'Principal');
    if (principal === '*') {
      principals.push({ kind: 'AWS', value: '*', conditioned });
      continue;
    }
    if (principal === null || typeof principal !== 'object' || Array.isArray(principal)) continue;
    for (const [kind, values] of Object.entries(principal)) {
      for (const value of Array.isArray(values) ? values : [values]) {
        if (typeof value === 'string') principals.push({ kind, value: value.trim(), conditioned });
      }
    }
  }
  return principals;
}

/**
 * The account of an `AWS` principal: a bare account id, or the account field of an ARN
 * (`arn:aws:iam::123456789012:root`, a role or user ARN); null for `*` and anything else.
 */
export function principalAccount(value: string): string | null {
  if (/^\d{12}$/.test(value)) return value;
  const match = /^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):/.exec(value);
  return match?.[1] ?? null;
}

/**
 * The `AWS` principals of a policy that lie outside `ownAccount` and `trusted` accounts: other accounts,
 * and `*` (anyone) unless a Condition narrows the statement.
 *
 *   outsidePrincipals(trustPolicy, '111122223333', []) // ['arn:aws:iam::999988887777:root']
 */
export function outsidePrincipals(
  document: JsonValue | undefined,
  ownAccount: string | null,
  trusted: readonly string[],
): string[] {
  const outside = new Set<string>();
  for (const principal of allowedPrincipals(document)) {
    if (principal.kind !== 'AWS') continue;
    if (principal.value === '*') {
      if (!principal.conditioned) outside.add('*');
      continue;
    }
    const account = principalAccount(principal.value);
    if (account !== null && account !== ownAccount && !trusted.includes(account))
      outside.add(principal.value);
  }
  return [...outside];
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

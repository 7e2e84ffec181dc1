import type { JsonValue } from '../../../schemas/types.js';
import { addressRange } from '../cidr.js';
import { type Exposure, mergeExposures, NO_EXPOSURE } from './exposure.js';
import { policyStatements, principalAccount } from './policy-document.js';
import { at } from './record.js';

/** Condition keys whose values name the accounts a statement is limited to. */
const ACCOUNT_KEYS = new Set([
  'aws:principalaccount',
  'aws:sourceaccount',
  'aws:sourceowner',
  'aws:resourceaccount',
  'kms:calleraccount',
]);
/** Condition keys whose values name principals or resources (ARNs: their account, when concrete, limits). */
const ARN_KEYS = new Set(['aws:principalarn', 'aws:sourcearn']);
/** Condition keys that limit a statement to an organization, a network or named identities. */
const NARROWING_KEYS = new Set([
  'aws:principalorgid',
  'aws:principalorgpaths',
  'aws:sourceorgid',
  'aws:sourceorgpaths',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:sourceip',
  'aws:vpcsourceip',
  'aws:userid',
  'aws:username',
]);

/** What a statement's Condition does to a `*` principal. */
interface ConditionScope {
  /** Some condition limits who may use the statement. */
  narrowed: boolean;
  /** Accounts the conditions limit the statement to (from account keys and concrete ARNs). */
  accounts: string[];
}

/**
 * Who a resource policy (bucket, key, queue, topic, secret, repository, vault... policy) lets in from
 * outside `ownAccount` and the `trusted` accounts. An Allow statement for `*` (or NotPrincipal) is public
 * unless a positive condition narrows it to an organization, a network, named identities or accounts — and a
 * condition limiting it to other accounts shares it with them. `StringNotEquals`, `...IfExists` and
 * `ForAllValues:` conditions do not narrow (they pass when the key is absent or differs), nor does
 * `aws:SourceIp` of a /0 range. Service principals are not exposure.
 *
 *   policyExposure({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject' }] }, '111122223333', [])
 *   // { public: true, outside: [] }
 */
export function policyExposure(
  document: JsonValue | undefined,
  ownAccount: string | null,
  trusted: readonly string[],
): Exposure {
  const outsideOf = (values: readonly string[]) =>
    values.filter((value) => {
      const account = principalAccount(value);
      return account !== null && account !== ownAccount && !trusted.includes(account);
    });
  return mergeExposures(
    NO_EXPOSURE,
    ...policyStatements(document).map((statement): Exposure => {
      if (at(statement, 'Effect') !== 'Allow') return NO_EXPOSURE;
      const principals = awsPrincipals(statement);
      const everyone = principals.includes('*') || at(statement, 'NotPrincipal') !== undefined;
      const named = outsideOf(principals.filter((principal) => principal !== '*'));
      if (!everyone) return { public: false, outside: named };
      const scope = conditionScope(at(statement, 'Condition'));
      return {
        public: !scope.narrowed,
        outside: [...named, ...outsideOf(scope.accounts)],
      };
    }),
  );
}

/** The `AWS` principals of a statement; `"Principal": "*"` is `['*']`. */
function awsPrincipals(statement: JsonValue): string[] {
  const principal = at(statement, 'Principal');
  if (principal === '*') return ['*'];
  const values = at(principal, 'AWS');
  return (Array.isArray(values) ? values : [values])
    .filter((value): value is string => typeof value === 'string')
    .map((value) => value.trim());
}

function conditionScope(condition: JsonValue | undefined): ConditionScope {
  const scope: ConditionScope = { narrowed: false, accounts: [] };
  if (condition === null || typeof condition !== 'object' || Array.isArray(condition)) return scope;
  for (const [operator, tests] of Object.entries(condition)) {
    if (/not|ifexists|^forallvalues:/i.test(operator)) continue;
    if (tests === null || typeof tests !== 'object' || Array.isArray(tests)) continue;
    for (const [key, raw] of Object.entries(tests)) {
      const name = key.toLowerCase();
      const values = (Array.isArray(raw) ? raw : [raw]).filter(
        (value): value is string => typeof value === 'string',
      );
      if (values.length === 0) continue;
      if (ACCOUNT_KEYS.has(name)) {
        scope.narrowed = true;
        scope.accounts.push(...values.filter((value) => /^\d{12}$/.test(value)));
      } else if (ARN_KEYS.has(name)) {
        if (name === 'aws:principalarn' && values.some(hasWildcardAccount)) continue;
        scope.narrowed = true;
        scope.accounts.push(...values.map(arnAccount).filter((account) => account !== null));
      } else if (NARROWING_KEYS.has(name)) {
        if (name.endsWith('sourceip') && values.some((value) => addressRange(value)?.reach === 'internet'))
          continue;
        scope.narrowed = true;
      }
    }
  }
  return scope;
}

/** The account field of any ARN (`arn:aws:sqs:us-east-1:123456789012:q`), when it is a concrete id. */
function arnAccount(arn: string): string | null {
  const account = arn.split(':')[4];
  return account !== undefined && /^\d{12}$/.test(account) ? account : null;
}

function hasWildcardAccount(arn: string): boolean {
  return (arn.split(':')[4] ?? '*').includes('*');
}

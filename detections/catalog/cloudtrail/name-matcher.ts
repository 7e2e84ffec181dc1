import { globMatcher } from './glob.js';

/**
 * A case-insensitive test of resource names against `*` globs from detection params (log groups, rules,
 * streams): AWS names differ in case between teams (`CloudTrail/…`, `aws-cloudtrail-logs-…`).
 *
 *   nameMatcher(['aws-cloudtrail-logs*'])('AWS-CloudTrail-Logs-111122223333') // true
 *   nameMatcher(['*'])(null)                                                // false
 */
export function nameMatcher(globs: readonly string[]): (name: string | null) => boolean {
  const pattern = globMatcher(globs.map((glob) => glob.toLowerCase()));
  return (name) => name !== null && pattern.test(name.toLowerCase());
}

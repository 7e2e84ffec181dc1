/**
 * Sigma rules built to stall a naive engine, shared by the hostile-input tests and bench/sigma-hostile.ts:
 * a catastrophic regular expression, a 10,000-value list, a condition nested 1,000 levels deep.
 */
const HEADER = 'title: Hostile\nid: hostile\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n';

/** `(a+)+$` and `(x+x+)+y`: exponential for a backtracking engine on a long run of a / x. */
export function catastrophicRegexRule(): string {
  return `${HEADER}  selection:\n    userAgent|re:\n      - '(a+)+$'\n      - '(x+x+)+y'\n  condition: selection\n`;
}

/** `eventName` equal to one of `count` values, and `userAgent` containing one of `count` others. */
export function longListRule(count: number): string {
  const names = Array.from({ length: count }, (_, n) => `      - Call${n}`).join('\n');
  const agents = Array.from({ length: count }, (_, n) => `      - agent-${n}/`).join('\n');
  return `${HEADER}  names:\n    eventName:\n${names}\n  agents:\n    userAgent|contains:\n${agents}\n  condition: names or agents\n`;
}

/**
 * `depth` search identifiers s0…s(depth−1) on eventName, nested as `s0 and (s1 or (s2 and (…)))`, so the
 * rule holds for events named `N0` followed by… see `nestedConditionAnswer`.
 */
export function nestedConditionRule(depth: number): string {
  const identifiers = Array.from({ length: depth }, (_, n) => `  s${n}: {userAgent|contains: 'N${n};'}`).join(
    '\n',
  );
  let condition = `s${depth - 1}`;
  for (let n = depth - 2; n >= 0; n -= 1) condition = `s${n} ${n % 2 === 0 ? 'and' : 'or'} (${condition})`;
  return `${HEADER}${identifiers}\n  condition: ${condition}\n`;
}

/**
 * The answer of the nested rule for a user agent holding the markers `N<i>;` of `present`: evaluated from
 * the innermost level out, the way the condition reads.
 */
export function nestedConditionAnswer(depth: number, present: ReadonlySet<number>): boolean {
  let value = present.has(depth - 1);
  for (let n = depth - 2; n >= 0; n -= 1)
    value = n % 2 === 0 ? present.has(n) && value : present.has(n) || value;
  return value;
}

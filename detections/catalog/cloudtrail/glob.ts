/**
 * A glob where `*` matches any run of characters (none included) and everything else is literal, as used
 * in detection params such as `adminProfiles`.
 *
 *   globMatcher(['*-admin', 'ops']).test('web-admin') // true
 */
export function globMatcher(globs: readonly string[]): RegExp {
  const alternatives = globs.map((glob) => glob.split('*').map(escapeRegExp).join('.*'));
  return alternatives.length === 0 ? /(?!)/ : new RegExp(`^(?:${alternatives.join('|')})$`);
}

function escapeRegExp(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

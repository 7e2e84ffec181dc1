/**
 * Orders items by event time, then by their string `id` when they have one, so a match lists the
 * same items in the same order however they arrived. Items without ids keep arrival order (stable sort).
 *
 *   items.sort(byTimeThenId);
 */
export function byTimeThenId(a: { time: number }, b: { time: number }): number {
  if (a.time !== b.time) return a.time - b.time;
  return compareStrings(idOf(a), idOf(b));
}

/** The item's string id, or '' when it has none. */
export function idOf(item: object): string {
  return 'id' in item && typeof item.id === 'string' ? item.id : '';
}

/** Code-unit order, independent of locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

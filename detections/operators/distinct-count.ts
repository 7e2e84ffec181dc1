import { filter, map, type OperatorFunction } from 'rxjs';
import { compareStrings } from './item-order.js';
import { atLeastPositiveInteger } from './threshold.js';
import { type WindowByOptions, type WindowMatch, windowBy } from './window-by.js';
import type { Timed } from './window-spec.js';

/** A window match with the distinct values its items carry, sorted. */
export interface DistinctMatch<T> extends WindowMatch<T> {
  values: string[];
}

export interface DistinctCountOptions<T> extends WindowByOptions<T> {
  /** The value counted; items where it is null are skipped. */
  distinct: (item: T) => string | null;
  /** Minimum number of distinct values in a window for it to match. */
  atLeast: number;
}

/**
 * Windows of a key whose items carry at least `atLeast` distinct values (e.g. user names tried from one IP).
 *
 *   events.pipe(distinctCount({ clock, key: (e) => e.srcIp, distinct: (e) => e.principal?.name ?? null,
 *     window: sliding(minutes(10), minutes(1)), atLeast: 10 }))
 */
export function distinctCount<T extends Timed>(
  options: DistinctCountOptions<T>,
): OperatorFunction<T, DistinctMatch<T>> {
  const { distinct, atLeast, key, ...windowOptions } = options;
  atLeastPositiveInteger(atLeast);
  const counted = (item: T) => (distinct(item) === null ? null : key(item));
  return (source) =>
    source.pipe(
      // A window holds at least as many items as distinct values.
      windowBy({ ...windowOptions, key: counted, minItems: atLeast }),
      map((match) => ({ ...match, values: distinctValues(match.items, distinct) })),
      filter((match) => match.values.length >= atLeast),
    );
}

function distinctValues<T>(items: readonly T[], distinct: (item: T) => string | null): string[] {
  const values = new Set<string>();
  for (const item of items) {
    const value = distinct(item);
    if (value !== null) values.add(value);
  }
  return [...values].sort(compareStrings);
}

import { filter, map, type OperatorFunction } from 'rxjs';

/** An item with what a lookup found for it (e.g. the state cache's facts about its instance). */
export interface Enriched<T, E> {
  item: T;
  enrichment: E;
}

/**
 * Pairs each item with `lookup(item)`, dropping items the lookup knows nothing about (undefined).
 *
 *   events.pipe(enrich((e) => state.instance(instanceIdOf(e))))
 *   // ──e1──e2──  →  { item: e1, enrichment: InstanceFact }  (e2's instance unknown: dropped)
 */
export function enrich<T, E>(lookup: (item: T) => E | undefined): OperatorFunction<T, Enriched<T, E>> {
  return (source) =>
    source.pipe(
      map((item) => ({ item, enrichment: lookup(item) })),
      filter((pair): pair is Enriched<T, E> => pair.enrichment !== undefined),
    );
}

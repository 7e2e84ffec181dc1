import { defer, filter, map, type OperatorFunction } from 'rxjs';
import type { Timed, WindowMatch } from '../../operators/index.js';

/** A sliding-window match and how many of its items no earlier window of its key reported. */
export interface FreshMatch<M> {
  match: M;
  fresh: number;
}

/**
 * Sliding windows overlap, so a burst fills several windows in turn. Windows of a key are emitted by
 * (end, start), so items later than the last reported one are new: a match with no new items only
 * repeats earlier ones and is dropped, and `fresh` counts the new ones, so the dedup roll-up's summed
 * count is the number of distinct items, not items × windows. Windows of all keys are emitted in end
 * order, so a key drops out once a window ends more than a window size after its last reported item:
 * no later window can reach back to it. (Not the watermark: one watermark jump emits many windows, and
 * the earliest of them still reach back.)
 *
 *   matches.pipe(freshItems(minutes(10)), map(({ match, fresh }) => finding(match, fresh)))
 */
export function freshItems<T extends Timed, M extends WindowMatch<T>>(
  windowSize: number,
): OperatorFunction<M, FreshMatch<M>> {
  return (matches) =>
    defer(() => {
      // Key → time of its latest reported item; re-inserted on update so the oldest come first.
      const lastReported = new Map<string, number>();
      return matches.pipe(
        map((match) => {
          const since = lastReported.get(match.key) ?? Number.NEGATIVE_INFINITY;
          const fresh = match.items.filter((item) => item.time > since).length;
          forget(lastReported, match.window.end - windowSize);
          if (fresh > 0) {
            lastReported.delete(match.key);
            lastReported.set(match.key, match.items.at(-1)!.time);
          }
          return { match, fresh };
        }),
        filter(({ fresh }) => fresh > 0),
      );
    });
}

/** Drops keys reported before `before`, oldest first; an item at `before` itself may still be in a window. */
function forget(lastReported: Map<string, number>, before: number): void {
  for (const [key, time] of lastReported) {
    if (time >= before) return;
    lastReported.delete(key);
  }
}

import { filter, type OperatorFunction } from 'rxjs';
import { type WindowByOptions, type WindowMatch, windowBy } from './window-by.js';
import type { Timed } from './window-spec.js';

export interface ThresholdOptions<T> extends WindowByOptions<T> {
  /** Minimum number of items in a window for it to match. */
  atLeast: number;
}

/**
 * Windows of a key holding at least `atLeast` items, emitted when the window fires (see windowBy).
 *
 *   events.pipe(threshold({ clock, key: (e) => e.account, window: tumbling(minutes(5)), atLeast: 3 }))
 *   // 3 launches in one account within [09:00, 09:05) → one match with count 3, at watermark ≥ 09:05
 */
export function threshold<T extends Timed>(
  options: ThresholdOptions<T>,
): OperatorFunction<T, WindowMatch<T>> {
  const { atLeast, ...windowOptions } = options;
  atLeastPositiveInteger(atLeast);
  return (source) =>
    source.pipe(
      windowBy({ ...windowOptions, minItems: atLeast }),
      filter((match) => match.count >= atLeast),
    );
}

export function atLeastPositiveInteger(atLeast: number): void {
  if (!Number.isInteger(atLeast) || atLeast < 1)
    throw new RangeError(`atLeast must be a positive integer, got ${atLeast}`);
}

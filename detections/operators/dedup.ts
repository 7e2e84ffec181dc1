import type { OperatorFunction } from 'rxjs';
import type { Finding } from '../../schemas/types.js';
import type { EventClock } from '../api.js';
import { type DedupBucket, DedupBuckets, rollUp } from './dedup-buckets.js';
import { eventTimeOperator } from './event-time-operator.js';

export interface DedupOptions {
  clock: EventClock;
  /** Length (ms) of the epoch-aligned buckets within which findings with the same dedupKey merge. */
  period: number;
}

/**
 * Merges repeats (DedupBuckets): findings of one detection with the same dedupKey in the same period bucket
 * share one id. The first passes at once (with that id, its own count). When the watermark reaches the bucket's
 * end (or at completion) and more findings arrived, one roll-up with the same id follows (rollUp). A finding
 * due after its bucket's end, or arriving after the bucket closed, passes alone (same bucket id, its own
 * count); downstream id handling decides whether it is news.
 *
 *   findings.pipe(dedup({ clock, period: hours(1) }))
 *   // f1(k)@10:05 ── f2(k)@10:20 ── (watermark ≥ 11:00)  →  f1' (count 1), then roll-up (count 2)
 */
export function dedup(options: DedupOptions): OperatorFunction<Finding, Finding> {
  const { clock, period } = options;
  if (!Number.isFinite(period) || period <= 0)
    throw new RangeError('dedup: period must be a positive number of ms');
  return eventTimeOperator<Finding, Finding>(clock, () => {
    const buckets = new DedupBuckets(period);
    const close = (closed: readonly DedupBucket[], emit: (finding: Finding) => void) => {
      for (const bucket of closed) {
        const rolled = rollUp(bucket);
        if (rolled) emit(rolled);
      }
    };
    return {
      item(finding, emit) {
        const outcome = buckets.add(finding);
        if (outcome.kind !== 'merged') emit(outcome.emit);
      },
      advance: (watermark, emit) => close(buckets.close(watermark), emit),
      flush: (emit) => close(buckets.closeAll(), emit),
      release: () => buckets.clear(),
    };
  });
}

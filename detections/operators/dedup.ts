import type { OperatorFunction } from 'rxjs';
import type { Finding, FindingWindow } from '../../schemas/types.js';
import type { EventClock } from '../api.js';
import { MAX_EVIDENCE, stableId } from '../finding.js';
import { eventTimeOperator } from './event-time-operator.js';
import { EventTimeQueue } from './event-time-queue.js';
import { byTimeThenId, compareStrings } from './item-order.js';

export interface DedupOptions {
  clock: EventClock;
  /** Length (ms) of the epoch-aligned buckets within which findings with the same dedupKey merge. */
  period: number;
}

/** The findings of one (detection, dedupKey, bucket); only those that can still shape the roll-up are kept. */
interface Bucket {
  id: string;
  detection: string;
  dedupKey: string;
  end: number;
  findings: Finding[];
  /** Findings merged into the bucket, the first included. */
  size: number;
  count: number;
  window: FindingWindow | null;
}

/**
 * Merges repeats: findings of one detection with the same dedupKey in the same period bucket
 * [floor(time / period) · period, + period) share the id stableId(detection, 'dedup', dedupKey, bucketStart).
 * The first passes at once (with that id, its own count). When the watermark reaches the bucket's end
 * (or at completion) and more findings arrived, one roll-up with the same id follows: the earliest finding
 * by (time, id) with count summed, evidence the union in (time, id) order capped at MAX_EVIDENCE, and
 * window spanning all windows — the same whatever the arrival order. A finding due after its bucket's end
 * (a window ending past it: the bucket closes first) or arriving after the bucket closed (from a late
 * event) passes alone (same bucket id, its own count); downstream id handling decides whether it is news.
 *
 *   findings.pipe(dedup({ clock, period: hours(1) }))
 *   // f1(k)@10:05 ── f2(k)@10:20 ── (watermark ≥ 11:00)  →  f1' (count 1), then roll-up (count 2)
 */
export function dedup(options: DedupOptions): OperatorFunction<Finding, Finding> {
  const { clock, period } = options;
  if (!Number.isFinite(period) || period <= 0)
    throw new RangeError('dedup: period must be a positive number of ms');
  return eventTimeOperator<Finding, Finding>(clock, () => {
    const buckets = new Map<string, Bucket>();
    /** The last watermark this operator advanced to: buckets ending by then are closed. */
    let closedUpTo = Number.NEGATIVE_INFINITY;
    const closing = new EventTimeQueue<Bucket>(
      (a, b) =>
        a.end - b.end || compareStrings(a.detection, b.detection) || compareStrings(a.dedupKey, b.dedupKey),
    );
    const close = (bucket: Bucket, emit: (finding: Finding) => void) => {
      buckets.delete(bucket.id);
      if (bucket.size > 1) emit(rollUp(bucket));
    };
    return {
      item(finding, emit) {
        const start = Math.floor(finding.time / period) * period;
        const id = stableId(finding.detection, 'dedup', finding.dedupKey, start);
        // Due after its bucket's end (a window ending past it) or after the bucket closed (a late event):
        // alone. Judged on event time, not on the watermark at arrival, so which findings a roll-up merges
        // does not depend on how far one watermark step jumps (a consumer reading shards unevenly).
        const due = finding.window?.end ?? finding.time;
        if (due > start + period || start + period <= closedUpTo) {
          emit({ ...finding, id });
          return;
        }
        const bucket = buckets.get(id);
        if (bucket) return merge(bucket, finding);
        emit({ ...finding, id });
        const fresh: Bucket = {
          id,
          detection: finding.detection,
          dedupKey: finding.dedupKey,
          end: start + period,
          findings: [finding],
          size: 1,
          count: finding.count,
          window: finding.window,
        };
        buckets.set(id, fresh);
        closing.push(fresh);
      },
      advance(watermark, emit) {
        closedUpTo = watermark;
        for (const bucket of closing.popWhile((b) => b.end <= watermark)) close(bucket, emit);
      },
      flush(emit) {
        for (const bucket of closing.popWhile(() => true)) close(bucket, emit);
      },
      release() {
        buckets.clear();
        closing.clear();
      },
    };
  });
}

function merge(bucket: Bucket, finding: Finding): void {
  bucket.size += 1;
  bucket.count += finding.count;
  bucket.window = spanOf(bucket.window, finding.window);
  bucket.findings.push(finding);
  bucket.findings.sort(byTimeThenId);
  // A finding whose evidence all lies past the cap (or repeats earlier ids) can never shape the roll-up again.
  const seen = new Set<string>();
  bucket.findings = bucket.findings.filter((candidate, index) => {
    const before = seen.size;
    for (const id of candidate.evidence) if (seen.size < MAX_EVIDENCE) seen.add(id);
    return index === 0 || seen.size > before;
  });
}

function rollUp(bucket: Bucket): Finding {
  const earliest = bucket.findings[0] as Finding;
  const evidence = new Set<string>();
  for (const finding of bucket.findings) for (const id of finding.evidence) evidence.add(id);
  return {
    ...earliest,
    id: bucket.id,
    window: bucket.window,
    evidence: [...evidence].slice(0, MAX_EVIDENCE),
    count: bucket.count,
  };
}

function spanOf(a: FindingWindow | null, b: FindingWindow | null): FindingWindow | null {
  if (!a || !b) return a ?? b;
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

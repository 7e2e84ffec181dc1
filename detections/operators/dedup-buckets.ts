import type { Finding, FindingWindow } from '../../schemas/types.js';
import { MAX_EVIDENCE, stableId } from '../finding.js';
import { EventTimeQueue } from './event-time-queue.js';
import { byTimeThenId, compareStrings } from './item-order.js';

/** The findings of one (detection, dedupKey, bucket); only those that can still shape the roll-up are kept. */
export interface DedupBucket {
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
 * What add() did with a finding: passed it alone (due after its bucket's end, or the bucket had closed),
 * opened a bucket with it (emitted at once under the bucket id), or merged it into an open bucket.
 */
export type DedupOutcome =
  | { kind: 'alone'; emit: Finding }
  | { kind: 'first'; emit: Finding; bucket: DedupBucket }
  | { kind: 'merged'; bucket: DedupBucket };

/**
 * The state of `dedup`, outside any subscription so that a pipeline can save it with a checkpoint and put it
 * back: findings of one detection with the same dedupKey in the same epoch-aligned period bucket
 * [floor(time / period) · period, + period) share the id stableId(detection, 'dedup', dedupKey, bucketStart).
 *
 *   const buckets = new DedupBuckets(hours(1));
 *   const outcome = buckets.add(finding); … for (const bucket of buckets.close(watermark)) emit(rollUp(bucket));
 */
export class DedupBuckets {
  private readonly buckets = new Map<string, DedupBucket>();
  private readonly closing = new EventTimeQueue<DedupBucket>(
    (a, b) =>
      a.end - b.end || compareStrings(a.detection, b.detection) || compareStrings(a.dedupKey, b.dedupKey),
  );
  /** The last watermark the buckets were closed up to. */
  private closedUpTo = Number.NEGATIVE_INFINITY;

  constructor(readonly period: number) {
    if (!Number.isFinite(period) || period <= 0)
      throw new RangeError('dedup: period must be a positive number of ms');
  }

  /** The id and end of the bucket a finding belongs to. */
  place(finding: Finding): { id: string; end: number } {
    const start = Math.floor(finding.time / this.period) * this.period;
    return { id: stableId(finding.detection, 'dedup', finding.dedupKey, start), end: start + this.period };
  }

  get(id: string): DedupBucket | undefined {
    return this.buckets.get(id);
  }

  /**
   * A finding due after its bucket's end (a window ending past it) or arriving after the bucket closed (a late
   * event) passes alone. Judged on event time, not on the watermark at arrival, so which findings a roll-up
   * merges does not depend on how far one watermark step jumps (a consumer reading shards unevenly).
   */
  add(finding: Finding): DedupOutcome {
    const { id, end } = this.place(finding);
    const due = finding.window?.end ?? finding.time;
    if (due > end || end <= this.closedUpTo) return { kind: 'alone', emit: { ...finding, id } };
    const open = this.buckets.get(id);
    if (open) {
      merge(open, finding);
      return { kind: 'merged', bucket: open };
    }
    const bucket: DedupBucket = {
      id,
      detection: finding.detection,
      dedupKey: finding.dedupKey,
      end,
      findings: [finding],
      size: 1,
      count: finding.count,
      window: finding.window,
    };
    this.open(bucket);
    return { kind: 'first', emit: { ...finding, id }, bucket };
  }

  /** Puts a bucket (a fresh one, or one saved earlier) among the open ones. */
  open(bucket: DedupBucket): void {
    this.buckets.set(bucket.id, bucket);
    this.closing.push(bucket);
  }

  /** Closes the buckets ending by `watermark`, in (end, detection, dedupKey) order. */
  close(watermark: number): DedupBucket[] {
    this.closedUpTo = Math.max(this.closedUpTo, watermark);
    const closed = this.closing.popWhile((bucket) => bucket.end <= watermark);
    for (const bucket of closed) this.buckets.delete(bucket.id);
    return closed;
  }

  /** End of input: closes every bucket. */
  closeAll(): DedupBucket[] {
    return this.close(Number.POSITIVE_INFINITY);
  }

  /** The open buckets, in closing order. */
  openBuckets(): DedupBucket[] {
    return [...this.buckets.values()].sort(
      (a, b) =>
        a.end - b.end || compareStrings(a.detection, b.detection) || compareStrings(a.dedupKey, b.dedupKey),
    );
  }

  clear(): void {
    this.buckets.clear();
    this.closing.clear();
  }
}

/**
 * The finding a closed bucket stands for when more than one finding merged into it: the earliest by (time, id)
 * with the counts summed, the evidence the union in (time, id) order capped at MAX_EVIDENCE, and the window
 * spanning all windows — the same whatever the arrival order. Null for a bucket of one finding (already emitted).
 */
export function rollUp(bucket: DedupBucket): Finding | null {
  if (bucket.size < 2) return null;
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

function merge(bucket: DedupBucket, finding: Finding): void {
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

function spanOf(a: FindingWindow | null, b: FindingWindow | null): FindingWindow | null {
  if (!a || !b) return a ?? b;
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

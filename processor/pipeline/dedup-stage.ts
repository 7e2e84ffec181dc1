import { type DedupBucket, DedupBuckets, rollUp } from '../../detections/operators/dedup-buckets.js';
import type { Finding } from '../../schemas/types.js';

/**
 * Where a pipeline stands when a finding reaches dedup: processing one record of a shard (findings of its
 * events, or findings carried by it), or one watermark step (windows firing, held events released).
 * Null outside any shard (replay).
 */
export type PipelineMoment =
  | { kind: 'record'; shard: string; sequence: bigint }
  | { kind: 'step'; watermark: number }
  | null;

/** A dedup bucket saved with a checkpoint. */
export interface SavedBucket {
  bucket: DedupBucket;
  /** Id of the finding that opened it (emitted at once): a taker re-emits it when it meets that finding again. */
  creator: string;
  /** Partition key of its findings: after a reshard, the child whose hash range holds it takes it. */
  partitionKey: string | null;
}

/**
 * How far an engine had got when it saved its buckets: every merge made while processing a record of `shard`
 * up to `through`, or at a watermark step up to `watermark`, is in them. A taker replaying the same records
 * (from an earlier checkpoint) does not merge those findings again.
 */
export interface RestorePoint {
  shard: string;
  through: bigint | null;
  watermark: number;
}

interface BucketMeta {
  creator: string;
  partitionKey: string | null;
  /** Set for a bucket put back from a snapshot. */
  restored?: { point: RestorePoint; creatorSeen: boolean };
}

/**
 * The pipeline's dedup of one detection (DedupBuckets, as the `dedup` operator), with what a checkpoint needs:
 * save() gives the open buckets and those closed after the last checkpoint's watermark (a taker replays their
 * close), restore() puts them back so that a taker replaying records merges each finding once, re-emits what
 * the previous owner emitted (the same ids and counts: sinks treat repeats as no-ops), and emits roll-ups
 * with the counts an uninterrupted engine would have.
 *
 *   const stage = new DedupStage(hours(1), (finding) => finding.account);
 *   stage.accept(finding, moment, emit); stage.advance(watermark, emit); const saved = stage.save();
 */
export class DedupStage {
  private readonly buckets: DedupBuckets;
  private readonly meta = new Map<string, BucketMeta>();
  /** Buckets closed and not yet forgotten (forgetClosedUpTo), in closing order. */
  private closed: DedupBucket[] = [];

  constructor(
    period: number,
    private readonly partitionKeyOf: (finding: Finding) => string | null = () => null,
  ) {
    this.buckets = new DedupBuckets(period);
  }

  accept(finding: Finding, moment: PipelineMoment, emit: (finding: Finding) => void): void {
    const { id, end } = this.buckets.place(finding);
    const restored = this.meta.get(id)?.restored;
    const due = finding.window?.end ?? finding.time;
    if (restored && this.buckets.get(id) && due <= end && mergedBefore(moment, restored.point)) {
      // The previous owner merged this finding before saving: only its first emission is repeated.
      if (!restored.creatorSeen && finding.id === this.meta.get(id)?.creator) {
        restored.creatorSeen = true;
        emit({ ...finding, id });
      }
      return;
    }
    const outcome = this.buckets.add(finding);
    if (outcome.kind === 'first')
      this.meta.set(id, { creator: finding.id, partitionKey: this.partitionKeyOf(finding) });
    if (outcome.kind !== 'merged') emit(outcome.emit);
  }

  advance(watermark: number, emit: (finding: Finding) => void): void {
    for (const bucket of this.buckets.close(watermark)) {
      this.closed.push(bucket);
      const rolled = rollUp(bucket);
      if (rolled) emit(rolled);
    }
  }

  flush(emit: (finding: Finding) => void): void {
    this.advance(Number.POSITIVE_INFINITY, emit);
  }

  /** Closed buckets ending by `watermark` are no longer needed: a taker starts past their close. */
  forgetClosedUpTo(watermark: number): void {
    const kept: DedupBucket[] = [];
    for (const bucket of this.closed) {
      if (bucket.end > watermark) kept.push(bucket);
      else this.meta.delete(bucket.id);
    }
    this.closed = kept;
  }

  /**
   * The open buckets and the closed ones ending after `closedAfter` (a taker starting at that watermark replays
   * their close), in closing order.
   */
  save(closedAfter = Number.NEGATIVE_INFINITY): SavedBucket[] {
    const closed = this.closed.filter((bucket) => bucket.end > closedAfter);
    return [...closed, ...this.buckets.openBuckets()].map((bucket) => {
      const meta = this.meta.get(bucket.id);
      return { bucket, creator: meta?.creator ?? '', partitionKey: meta?.partitionKey ?? null };
    });
  }

  /**
   * Puts saved buckets back as open (a saved closed bucket closes again when the watermark passes its end,
   * repeating its roll-up). Call before the first finding, with the clock still behind every bucket's end.
   */
  restore(saved: readonly SavedBucket[], point: RestorePoint): void {
    for (const { bucket, creator, partitionKey } of saved) {
      const copy: DedupBucket = { ...bucket, findings: [...bucket.findings] };
      this.buckets.open(copy);
      this.meta.set(copy.id, { creator, partitionKey, restored: { point, creatorSeen: false } });
    }
  }

  clear(): void {
    this.buckets.clear();
    this.meta.clear();
    this.closed = [];
  }
}

function mergedBefore(moment: PipelineMoment, point: RestorePoint): boolean {
  if (moment === null) return false;
  if (moment.kind === 'step') return moment.watermark <= point.watermark;
  return moment.shard === point.shard && point.through !== null && moment.sequence <= point.through;
}

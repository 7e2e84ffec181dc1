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
  /** Closed already (its roll-up emitted); kept because a taker may still meet findings of it. */
  closed: boolean;
  /** Partition key of its findings: after a reshard, the child whose hash range holds it takes it. */
  partitionKey: string | null;
  /** Ids of the findings merged into it, so a taker counts a copy that arrives again once. */
  merged: string[];
}

/**
 * How far an engine had got when it saved its buckets: every merge made while processing a record of a shard
 * up to `through[shard]` (its own, or a parent's it replayed), or at a watermark step up to `watermark`, is in
 * them. A taker replaying the same records (from an earlier checkpoint) does not merge those findings again.
 */
export interface RestorePoint {
  through: Readonly<Record<string, bigint>>;
  watermark: number;
}

interface BucketMeta {
  partitionKey: string | null;
  /** The finding that opened the bucket, while its emission is deferred (see catchingUp). */
  deferred?: Finding;
  /** A bucket put back from a snapshot: merges made before `point` are in it already. */
  restored?: RestorePoint;
  /** With saved buckets: the ids of the findings merged (see SavedBucket.merged). */
  merged?: Set<string>;
}

/**
 * The pipeline's dedup of one detection (DedupBuckets, as the `dedup` operator), with what a checkpoint needs:
 * save() gives the open buckets and those closed recently, restore() puts them back so that a taker replaying
 * records merges each finding once and emits the roll-ups an uninterrupted engine would.
 *
 * A taker does not know how far the previous owner got before it died: that engine may have closed a bucket
 * and sent its roll-up (count 7) while the taker, replaying, is about to open the same bucket again and emit
 * its first finding (count 1). So while catching up (until caughtUp()), the first finding of a bucket is not
 * emitted at once but with the bucket's close (alone when nothing else merged), or once caught up if the bucket
 * is still open then — when the previous owner cannot have closed it either. Counts a sink sees never go down.
 *
 *   const stage = new DedupStage(hours(1), (finding) => finding.account, { catchingUp: true });
 *   stage.accept(finding, moment, emit); stage.advance(watermark, emit); const saved = stage.save(from);
 */
export class DedupStage {
  private readonly buckets: DedupBuckets;
  private readonly meta = new Map<string, BucketMeta>();
  /** Buckets closed and not yet forgotten (forgetClosedUpTo), in closing order. */
  private closed: DedupBucket[] = [];
  private catchingUp: boolean;

  private readonly keepsClosed: boolean;

  /**
   * `saved`: the stage's buckets are saved with checkpoints (a keyed shard's engine), so closed ones are kept
   * until forgetClosedUpTo; `catchingUp`: it replays records another engine may have processed.
   */
  constructor(
    period: number,
    private readonly partitionKeyOf: (finding: Finding) => string | null = () => null,
    o: { catchingUp?: boolean; saved?: boolean } = {},
  ) {
    this.buckets = new DedupBuckets(period);
    this.catchingUp = o.catchingUp ?? false;
    this.keepsClosed = o.saved ?? false;
  }

  accept(finding: Finding, moment: PipelineMoment, emit: (finding: Finding) => void): void {
    const { id, end } = this.buckets.place(finding);
    const known = this.meta.get(id);
    const restored = known?.restored;
    const due = finding.window?.end ?? finding.time;
    // The previous owner merged this finding before saving: replayed from a record it had processed, or
    // published again by ingest after a source shard changed hands (the same finding, a later keyed record).
    if (
      restored &&
      this.buckets.get(id) &&
      ((due <= end && mergedBefore(moment, restored)) || known?.merged?.has(finding.id))
    )
      return;
    const outcome = this.buckets.add(finding);
    if (outcome.kind === 'merged') {
      // Only a stage whose buckets are saved keeps the ids (set when its bucket opened or was restored).
      known?.merged?.add(finding.id);
      return;
    }
    if (outcome.kind === 'first') {
      const meta: BucketMeta = { partitionKey: this.partitionKeyOf(finding) };
      if (this.keepsClosed) meta.merged = new Set([finding.id]);
      this.meta.set(id, meta);
      if (this.catchingUp) {
        meta.deferred = outcome.emit;
        return;
      }
    }
    emit(outcome.emit);
  }

  advance(watermark: number, emit: (finding: Finding) => void): void {
    for (const bucket of this.buckets.close(watermark)) {
      const meta = this.meta.get(bucket.id);
      if (this.keepsClosed) this.closed.push(bucket);
      else this.meta.delete(bucket.id);
      const rolled = rollUp(bucket);
      if (rolled) emit(rolled);
      // Its first finding was never emitted here (deferred), or may have been lost with the previous owner.
      else if (meta?.deferred) emit(meta.deferred);
      else if (meta?.restored) emit({ ...(bucket.findings[0] as Finding), id: bucket.id });
      if (meta) meta.deferred = undefined;
    }
  }

  flush(emit: (finding: Finding) => void): void {
    this.advance(Number.POSITIVE_INFINITY, emit);
  }

  /** Caught up with everything the previous owner may have read: deferred first findings of open buckets go out. */
  caughtUp(emit: (finding: Finding) => void): void {
    this.catchingUp = false;
    for (const bucket of this.buckets.openBuckets()) {
      const meta = this.meta.get(bucket.id);
      if (meta?.deferred) emit(meta.deferred);
      if (meta) meta.deferred = undefined;
    }
  }

  /** Closed buckets ending by `watermark` are no longer needed. */
  forgetClosedUpTo(watermark: number): void {
    const kept: DedupBucket[] = [];
    for (const bucket of this.closed) {
      if (bucket.end > watermark) kept.push(bucket);
      else this.meta.delete(bucket.id);
    }
    this.closed = kept;
  }

  /** The open buckets and the closed ones ending after `closedAfter`, in closing order. */
  save(closedAfter = Number.NEGATIVE_INFINITY): SavedBucket[] {
    const saved = (bucket: DedupBucket, closed: boolean): SavedBucket => ({
      bucket: { ...bucket, findings: [...bucket.findings] }, // later merges must not change what was saved
      closed,
      partitionKey: this.meta.get(bucket.id)?.partitionKey ?? null,
      merged: [...(this.meta.get(bucket.id)?.merged ?? [])],
    });
    return [
      ...this.closed.filter((bucket) => bucket.end > closedAfter).map((bucket) => saved(bucket, true)),
      ...this.buckets.openBuckets().map((bucket) => saved(bucket, false)),
    ];
  }

  /**
   * Puts saved buckets back, before the first finding. A bucket ending after `watermark` (the taker's start) is
   * open again, closed buckets included: the taker replays their close and repeats their roll-up. Returns the
   * counts already emitted for the buckets that closed before the start, which a finding passing alone
   * (same id) must exceed to be news.
   */
  restore(saved: readonly SavedBucket[], point: RestorePoint, watermark: number): Map<string, number> {
    const emitted = new Map<string, number>();
    for (const { bucket, closed, partitionKey, merged } of saved) {
      if (closed && bucket.end <= watermark) {
        emitted.set(bucket.id, bucket.count);
        continue;
      }
      const copy: DedupBucket = { ...bucket, findings: [...bucket.findings] };
      this.buckets.open(copy);
      this.meta.set(copy.id, { partitionKey, restored: point, merged: new Set(merged) });
    }
    return emitted;
  }
}

function mergedBefore(moment: PipelineMoment, point: RestorePoint): boolean {
  if (moment === null) return false;
  if (moment.kind === 'step') return moment.watermark <= point.watermark;
  const through = point.through[moment.shard];
  return through !== undefined && moment.sequence <= through;
}

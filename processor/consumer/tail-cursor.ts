import type { _Record } from '@aws-sdk/client-kinesis';
import type { HashRange } from './roles/hash-range.js';
import { KeyedRecordDecoder, type ParsedRecord } from './roles/keyed-decoder.js';
import type { ShardBatch } from './shard-reader.js';

/** A record of a parent's tail, as a child shard replays it before its own records. */
export interface TailRecord {
  shard: string;
  record: _Record;
  parsed: ParsedRecord;
  /** Hash ranges the record's partition key must lie in: the shards that replayed it on its way here. */
  within: readonly HashRange[];
}

/**
 * Records a child replays, in the order of the watermark each met in the engine that first read it (`key()`,
 * the running maximum of the watermarks its shard carried), so the child's engine gives every record the
 * watermark it had there. peek() before take() and key().
 */
export interface TailCursor {
  peek(): Promise<TailRecord | undefined>;
  /** The watermark the record at the head met (after peek() found one). */
  key(): number;
  /** Takes the head found by peek(). */
  take(): TailRecord;
  /** The greatest watermark met so far (the start watermark before any record). */
  readonly runningMax: number;
}

/** One shard read from a start position to its end. */
export class ShardTail implements TailCursor {
  private queue: TailRecord[] = [];
  private done = false;
  runningMax: number;

  constructor(
    private readonly shard: string,
    private readonly reader: { read(): Promise<ShardBatch> },
    startWatermark: number,
    private readonly within: readonly HashRange[] = [],
  ) {
    this.runningMax = startWatermark;
  }

  async peek(): Promise<TailRecord | undefined> {
    while (this.queue.length === 0 && !this.done) {
      const batch = await this.reader.read();
      for (const record of batch.records) {
        const origin = { input: this.shard, offset: record.SequenceNumber ?? '' };
        this.queue.push({
          shard: this.shard,
          record,
          parsed: KeyedRecordDecoder.parse(record, origin),
          within: this.within,
        });
      }
      this.done = batch.shardEnd;
    }
    return this.queue[0];
  }

  key(): number {
    const head = this.queue[0] as TailRecord;
    const carried = head.parsed.deadLetter ? null : head.parsed.record.watermark;
    return Math.max(this.runningMax, carried ?? Number.NEGATIVE_INFINITY);
  }

  take(): TailRecord {
    this.runningMax = this.key();
    return this.queue.shift() as TailRecord;
  }
}

/** Several tails merged by the watermark each record met (the parents of a merge). */
export class MergedTails implements TailCursor {
  private next: TailCursor | undefined;
  runningMax: number;

  constructor(private readonly cursors: readonly TailCursor[]) {
    this.runningMax = Math.min(Number.POSITIVE_INFINITY, ...cursors.map((cursor) => cursor.runningMax));
    if (cursors.length === 0) this.runningMax = Number.NEGATIVE_INFINITY;
  }

  async peek(): Promise<TailRecord | undefined> {
    this.next = undefined;
    let best: TailRecord | undefined;
    for (const cursor of this.cursors) {
      const head = await cursor.peek();
      if (head && (this.next === undefined || cursor.key() < this.next.key())) {
        this.next = cursor;
        best = head;
      }
    }
    return best;
  }

  key(): number {
    return (this.next as TailCursor).key();
  }

  take(): TailRecord {
    this.runningMax = Math.max(this.runningMax, this.key());
    return (this.next as TailCursor).take();
  }
}

/**
 * A shard that was itself a child replaying its parents' tails before its own records and never checkpointed:
 * its replay is theirs, then its own records, whose watermarks continue from where the parents' ended.
 */
export class ChainedTails implements TailCursor {
  private inFirst = true;

  constructor(
    private readonly first: TailCursor,
    private readonly then: TailCursor,
  ) {}

  get runningMax(): number {
    return this.inFirst ? this.first.runningMax : Math.max(this.first.runningMax, this.then.runningMax);
  }

  async peek(): Promise<TailRecord | undefined> {
    if (this.inFirst) {
      const head = await this.first.peek();
      if (head) return head;
      this.inFirst = false;
    }
    return this.then.peek();
  }

  key(): number {
    return this.inFirst ? this.first.key() : Math.max(this.first.runningMax, this.then.key());
  }

  take(): TailRecord {
    return this.inFirst ? this.first.take() : this.then.take();
  }
}

import {
  type _Record,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { DEFAULT_RETRY_POLICY, isRetriableAwsError, type RetryPolicy, retry } from '../sinks/retry.js';

export type StartPosition =
  | { type: 'TRIM_HORIZON' | 'LATEST' }
  | { type: 'AT_TIMESTAMP'; timestamp: Date }
  | { type: 'AFTER_SEQUENCE_NUMBER'; sequenceNumber: string };

/** One GetRecords answer. `shardEnd`: the shard is closed and fully read; `childShardIds` then name its children. */
export interface ShardBatch {
  records: _Record[];
  millisBehindLatest: number;
  shardEnd: boolean;
  childShardIds: string[];
}

export interface ShardReaderOptions {
  kinesis: KinesisClient;
  streamName: string;
  shardId: string;
  start: StartPosition;
  /** GetRecords Limit, at most 10 000 (the API maximum and default). */
  limit?: number;
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
}

type IteratorPosition = Pick<
  GetShardIteratorCommandInput,
  'ShardIteratorType' | 'StartingSequenceNumber' | 'Timestamp'
>;

/** Kinesis's GetRecords maximum; also its default. */
const DEFAULT_LIMIT = 10_000;

/**
 * Polls one shard with GetRecords, one call per read(). Owns the iterator: gets it lazily from the start position,
 * follows NextShardIterator, and when an iterator expires (unused for 5 min) gets a new one AFTER the last
 * sequence number returned, so nothing is skipped or repeated. Throttling (ProvisionedThroughputExceeded,
 * LimitExceeded) and transient errors are retried with backoff and jitter. Pacing between reads is the caller's.
 *
 *   const reader = new ShardReader({ kinesis, streamName: 'events', shardId, start: { type: 'TRIM_HORIZON' } });
 *   for (let batch = await reader.read(); !batch.shardEnd; batch = await reader.read()) handle(batch.records);
 */
export class ShardReader {
  private iterator: string | undefined;
  private last: string | undefined;
  private behind = 0;
  /** Set once the shard end was read; later reads return an empty end batch. */
  private children: string[] | undefined;

  constructor(private readonly o: ShardReaderOptions) {}

  /** One GetRecords call (plus GetShardIterator when there is no valid iterator), retried as described above. */
  async read(): Promise<ShardBatch> {
    if (this.children)
      return { records: [], millisBehindLatest: 0, shardEnd: true, childShardIds: this.children };
    const out = await retry(() => this.getRecords(), {
      policy: this.o.retry ?? DEFAULT_RETRY_POLICY,
      retriable: (error) => isExpiredIterator(error) || isRetriableAwsError(error),
      ...(this.o.sleep ? { sleep: this.o.sleep } : {}),
    });
    const records = out.Records ?? [];
    const lastRecord = records[records.length - 1];
    if (lastRecord?.SequenceNumber !== undefined) this.last = lastRecord.SequenceNumber;
    this.behind = out.MillisBehindLatest ?? 0;
    this.iterator = out.NextShardIterator ?? undefined;
    // A closed shard read to its end answers without a next iterator (EndingSequenceNumber is unreliable locally).
    const shardEnd = out.NextShardIterator === undefined || out.NextShardIterator === null;
    const childShardIds = shardEnd
      ? (out.ChildShards ?? []).flatMap((c) => (c.ShardId ? [c.ShardId] : [])).sort()
      : [];
    if (shardEnd) this.children = childShardIds;
    return { records, millisBehindLatest: this.behind, shardEnd, childShardIds };
  }

  /** The sequence number of the last record returned by read(), undefined before the first one. */
  get lastSequenceNumber(): string | undefined {
    return this.last;
  }

  /** MillisBehindLatest of the last successful read (0 before it): how far this shard lags the stream's tip. */
  get millisBehindLatest(): number {
    return this.behind;
  }

  private async getRecords() {
    this.iterator ??= await this.getIterator();
    try {
      return await this.o.kinesis.send(
        new GetRecordsCommand({ ShardIterator: this.iterator, Limit: this.limit }),
      );
    } catch (error) {
      // The next attempt gets a fresh iterator after the last record read.
      if (isExpiredIterator(error)) this.iterator = undefined;
      throw error;
    }
  }

  private get limit(): number {
    return this.o.limit ?? DEFAULT_LIMIT;
  }

  private async getIterator(): Promise<string> {
    const out = await this.o.kinesis.send(
      new GetShardIteratorCommand({
        StreamName: this.o.streamName,
        ShardId: this.o.shardId,
        ...this.position(),
      }),
    );
    if (!out.ShardIterator) throw new Error(`GetShardIterator returned no iterator for ${this.o.shardId}`);
    return out.ShardIterator;
  }

  /**
   * After a record was read: AFTER_SEQUENCE_NUMBER it. Before: the configured start (so a LATEST start whose
   * iterator expires before any record arrived restarts at the then-latest position).
   */
  private position(): IteratorPosition {
    if (this.last !== undefined)
      return { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: this.last };
    const start = this.o.start;
    switch (start.type) {
      case 'AT_TIMESTAMP':
        return { ShardIteratorType: 'AT_TIMESTAMP', Timestamp: start.timestamp };
      case 'AFTER_SEQUENCE_NUMBER':
        return { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: start.sequenceNumber };
      default:
        return { ShardIteratorType: start.type };
    }
  }
}

function isExpiredIterator(error: unknown): boolean {
  return error instanceof Error && error.name === 'ExpiredIteratorException';
}

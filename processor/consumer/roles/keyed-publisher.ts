import { setTimeout as sleepFor } from 'node:timers/promises';
import {
  type KinesisClient,
  ListShardsCommand,
  type PutRecordsRequestEntry,
  type Shard,
} from '@aws-sdk/client-kinesis';
import type { Detection } from '../../../detections/api.js';
import type { EventSource, Finding, SecurityEvent } from '../../../schemas/types.js';
import { DEFAULT_RETRY_POLICY, isRetriableAwsError, type RetryPolicy, retry } from '../../sinks/retry.js';
import type { EventPublisher } from '../worker.js';
import { encodeKeyedRecord, type KeyedRecord } from './keyed-record.js';
import type { KeyedRoutes } from './keyed-routes.js';
import { normalisePartitionKey } from './partition-key.js';
import {
  PUT_RECORD_MAX_BYTES,
  PUT_RECORDS_MAX_BYTES,
  PUT_RECORDS_MAX_ENTRIES,
  putRecords,
} from './put-records.js';

export interface KeyedPublisherOptions {
  kinesis: KinesisClient;
  /** The internal keyed stream (`consumer.keyedStream`). */
  streamName: string;
  routes: KeyedRoutes;
  /** Single-event detections with a dedup period: their findings are rolled up on the keyed stream. */
  relayed?: readonly Detection[];
  retry?: RetryPolicy;
  /** Entries queued or in flight beyond which ready() waits (backpressure), default 10 000. */
  maxPending?: number;
  /** A partial batch is sent after this many ms, default 200. */
  lingerMs?: number;
  /** Wait after a batch whose retries ran out, before trying it again (default 10 s). */
  pauseMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** A batch failed after every retry (it is tried again after pauseMs), or an event was too large to publish. */
  onError?: (error: unknown) => void;
}

/** One entry to put, and the ack of what it carries. */
interface Pending {
  entry: PutRecordsRequestEntry;
  bytes: number;
  ack: () => void;
}

/** Partition key of the watermark-only records (each is put with an ExplicitHashKey of its target shard). */
export const HEARTBEAT_PARTITION_KEY = 'watermark';

/**
 * The ingest role's EventPublisher: every record it puts on the keyed stream is a KeyedRecord (Avro) carrying
 * ingest's watermark — the promise that no event older than it will be published afterwards, which the detect
 * side's engines use as their watermark, so the keyed stream needs no order: events are put as soon as they are
 * read. An event a stateful detection (or the state cache) routes on goes once per distinct partition key
 * (KeyedRoutes); a finding of a relayed detection goes under its detection and dedup key (one engine rolls each
 * dedup key up, whichever source shard it came from); when the watermark moves, each open keyed shard gets a
 * record carrying only it, so a shard without traffic still fires its windows. PutRecords batches of ≤ 500
 * entries / 5 MiB, one in flight; failed entries are retried with backoff, and a batch whose retries ran out is
 * tried again after a pause while ready() holds the reads back. What was published is acked (its source record
 * may be checkpointed) only once every copy is on the stream; only a record over the 1-MiB limit is reported
 * (onError) and acked.
 *
 *   const publisher = new KeyedPublisher({ kinesis, streamName: 'shardwatch-keyed', routes, relayed });
 *   new Worker({ ...options, publisher });
 */
export class KeyedPublisher implements EventPublisher {
  private queue: Pending[] = [];
  private queuedBytes = 0;
  private inFlight = 0;
  private flushing = 0;
  private due = false;
  private timer: NodeJS.Timeout | undefined;
  private waiters: { ready: boolean; resolve: () => void }[] = [];
  private putCount = 0;
  private watermark: number | null = null;
  private readonly relayed: ReadonlySet<string>;
  /** The heartbeats under way (listing the keyed shards). */
  private heartbeats: Promise<void> = Promise.resolve();

  constructor(private readonly o: KeyedPublisherOptions) {
    this.relayed = new Set((o.relayed ?? []).map((detection) => detection.id));
  }

  wants(source: EventSource, action: string): boolean {
    return this.o.routes.wants(source, action);
  }

  relays(detection: string): boolean {
    return this.relayed.has(detection);
  }

  publish(event: SecurityEvent, onAcked: () => void, origin: string): void {
    const keys = this.o.routes.keysOf(event);
    this.enqueue(
      { watermark: this.watermark, origin, event, finding: null },
      keys.map((key) => ({ PartitionKey: key })),
      `event ${event.id}`,
      onAcked,
    );
  }

  publishFinding(finding: Finding, onAcked: () => void, origin: string): void {
    const key = normalisePartitionKey(`${finding.detection}/${finding.dedupKey}`);
    this.enqueue(
      { watermark: this.watermark, origin, event: null, finding },
      [{ PartitionKey: key }],
      `finding ${finding.id}`,
      onAcked,
    );
  }

  /** A higher watermark: carried by every record from now on, and put alone on every open keyed shard. */
  advanceWatermark(watermark: number): void {
    // -Infinity (a source shard not checkpointed yet) promises nothing.
    if (!Number.isFinite(watermark) || (this.watermark !== null && watermark <= this.watermark)) return;
    this.watermark = watermark;
    this.heartbeats = this.heartbeats
      .then(async () => {
        // Listed each time: after a reshard of the keyed stream the children get their heartbeats at once.
        const shards = await this.openShards();
        const record = { watermark, origin: null, event: null, finding: null };
        const targets = shards.map((shard) => ({
          PartitionKey: HEARTBEAT_PARTITION_KEY,
          ExplicitHashKey: shard.HashKeyRange?.StartingHashKey as string,
        }));
        this.enqueue(record, targets, 'watermark', () => undefined);
      })
      .catch((error: unknown) => this.o.onError?.(error));
  }

  /** Resolves when fewer than maxPending entries are queued or in flight. */
  ready(): Promise<void> {
    return this.waitFor(true);
  }

  /** Sends the partial batch now; resolves once everything published is on the keyed stream. */
  async flush(): Promise<void> {
    await this.heartbeats;
    this.flushing += 1;
    try {
      this.pump();
      await this.waitFor(false);
    } finally {
      this.flushing -= 1;
    }
  }

  /** The watermark the records carry now (null before the first). */
  get promised(): number | null {
    return this.watermark;
  }

  /** Entries (event copies, findings, heartbeats) Kinesis accepted so far. */
  get published(): number {
    return this.putCount;
  }

  /** Entries queued or in flight. */
  get pending(): number {
    return this.queue.length + this.inFlight;
  }

  /** One record put under each of `targets` (partition keys, or a heartbeat's hash key); acked once all are put. */
  private enqueue(
    record: KeyedRecord,
    targets: readonly Omit<PutRecordsRequestEntry, 'Data'>[],
    what: string,
    onAcked: () => void,
  ): void {
    if (targets.length === 0) {
      onAcked();
      return;
    }
    const data = encodeKeyedRecord(record);
    let remaining = targets.length;
    const ack = () => {
      remaining -= 1;
      if (remaining === 0) onAcked();
    };
    for (const target of targets) {
      const bytes = data.length + Buffer.byteLength(target.PartitionKey ?? '');
      if (bytes > PUT_RECORD_MAX_BYTES) {
        this.o.onError?.(new Error(`${what} is ${bytes} bytes encoded, over the 1-MiB record limit`));
        ack();
        continue;
      }
      this.queue.push({ entry: { ...target, Data: data }, bytes, ack });
      this.queuedBytes += bytes;
    }
    this.pump();
  }

  /** The keyed stream's open shards (ListShards, all pages). */
  private async openShards(): Promise<Shard[]> {
    const shards: Shard[] = [];
    let nextToken: string | undefined;
    do {
      const input = nextToken === undefined ? { StreamName: this.o.streamName } : { NextToken: nextToken };
      const page = await retry(() => this.o.kinesis.send(new ListShardsCommand(input)), {
        policy: this.o.retry ?? DEFAULT_RETRY_POLICY,
        retriable: isRetriableAwsError,
        ...(this.o.sleep ? { sleep: this.o.sleep } : {}),
      });
      shards.push(...(page.Shards ?? []));
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
    return shards.filter((shard) => shard.SequenceNumberRange?.EndingSequenceNumber === undefined);
  }

  private pump(): void {
    if (this.inFlight > 0 || this.queue.length === 0) return;
    const full = this.queue.length >= PUT_RECORDS_MAX_ENTRIES || this.queuedBytes >= PUT_RECORDS_MAX_BYTES;
    if (full || this.due || this.flushing > 0) {
      this.due = false;
      clearTimeout(this.timer);
      this.timer = undefined;
      void this.send(this.takeBatch());
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.due = true;
        this.pump();
      }, this.o.lingerMs ?? 200);
    }
  }

  /** The oldest entries that fit one PutRecords call. */
  private takeBatch(): Pending[] {
    let bytes = 0;
    let count = 0;
    for (const pending of this.queue) {
      if (count === PUT_RECORDS_MAX_ENTRIES || bytes + pending.bytes > PUT_RECORDS_MAX_BYTES) break;
      bytes += pending.bytes;
      count += 1;
    }
    const batch = this.queue.slice(0, count);
    this.queue = this.queue.slice(count);
    this.queuedBytes -= bytes;
    return batch;
  }

  /** Acks each entry as soon as Kinesis has it; after exhausted retries, the rest is tried again after a pause. */
  private async send(batch: Pending[]): Promise<void> {
    this.inFlight = batch.length;
    const sleep = this.o.sleep ?? ((ms: number) => sleepFor(ms));
    let remaining = batch;
    while (remaining.length > 0) {
      const put = new Set<number>();
      try {
        await putRecords(
          remaining.map(({ entry }) => entry),
          (index) => {
            put.add(index);
            // Counted before the ack, so an onAcked that reads `published` or `pending` sees this copy put.
            this.putCount += 1;
            this.inFlight -= 1;
            (remaining[index] as Pending).ack();
          },
          { kinesis: this.o.kinesis, streamName: this.o.streamName, ...this.retryOptions() },
        );
      } catch (error) {
        this.o.onError?.(error);
        await sleep(this.o.pauseMs ?? 10_000);
      }
      remaining = remaining.filter((_, index) => !put.has(index));
    }
    this.wake();
    this.pump();
  }

  private retryOptions(): { retry?: RetryPolicy; sleep?: (ms: number) => Promise<void> } {
    return {
      ...(this.o.retry ? { retry: this.o.retry } : {}),
      ...(this.o.sleep ? { sleep: this.o.sleep } : {}),
    };
  }

  private waitFor(ready: boolean): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push({ ready, resolve });
      this.wake();
    });
  }

  private wake(): void {
    const { pending } = this;
    this.waiters = this.waiters.filter((waiter) => {
      if (waiter.ready ? pending < (this.o.maxPending ?? 10_000) : pending === 0) waiter.resolve();
      else return true;
      return false;
    });
  }
}

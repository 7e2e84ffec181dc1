import { setTimeout as sleepFor } from 'node:timers/promises';
import type { KinesisClient, PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { EventTimeQueue } from '../../../detections/operators/event-time-queue.js';
import { byTimeThenId } from '../../../detections/operators/item-order.js';
import { encodeEvent } from '../../../schemas/codec.js';
import type { EventSource, SecurityEvent } from '../../../schemas/types.js';
import type { RetryPolicy } from '../../sinks/retry.js';
import type { EventPublisher } from '../worker.js';
import type { KeyedRoutes } from './keyed-routes.js';
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

/** An event waiting for the watermark, and the ack of its source record. */
interface Held {
  event: SecurityEvent;
  onAcked: () => void;
}

/** One entry to put, and the ack of the event copy it carries. */
interface Pending {
  entry: PutRecordsRequestEntry;
  bytes: number;
  ack: () => void;
}

/**
 * The ingest role's EventPublisher: each event a stateful detection (or the state cache) routes on is
 * Avro-encoded (schemas/codec.ts) and put on the keyed stream once per distinct partition key (KeyedRoutes),
 * in PutRecords batches of ≤ 500 entries / 5 MiB, one batch in flight so each key's events keep their order
 * (except a failed entry, retried after the rest of its batch: the detect side's lateness absorbs that).
 * Failed entries are retried with backoff; an event is acked (its source record may be checkpointed) only once
 * every copy is on the stream. Nothing is dropped: a batch whose retries ran out is tried again after a pause,
 * and backpressure (ready()) stops the reads meanwhile. Only an event over the 1-MiB record limit is reported
 * (onError) and acked.
 *
 *   const publisher = new KeyedPublisher({ kinesis, streamName: 'shardwatch-keyed', routes });
 *   new Worker({ ...options, publisher });
 */
export class KeyedPublisher implements EventPublisher {
  /** Events not yet behind the watermark, with their acks: released in (time, id) order. */
  private readonly held = new EventTimeQueue<Held>((a, b) => byTimeThenId(a.event, b.event));
  private queue: Pending[] = [];
  private queuedBytes = 0;
  private inFlight = 0;
  private flushing = 0;
  private due = false;
  private timer: NodeJS.Timeout | undefined;
  private waiters: { ready: boolean; resolve: () => void }[] = [];
  private putCount = 0;

  constructor(private readonly o: KeyedPublisherOptions) {}

  wants(source: EventSource, action: string): boolean {
    return this.o.routes.wants(source, action);
  }

  /**
   * Holds the event until the ingest watermark passes it, then puts events in (time, id) order: the source
   * shards are read interleaved, and an unordered keyed stream would make the detect side drop late events
   * that the `all` role, whose watermark is the minimum over source shards, still windows.
   */
  publish(event: SecurityEvent, onAcked: () => void, watermark: number): void {
    this.held.push({ event, onAcked });
    this.release(watermark);
  }

  /** Resolves when fewer than maxPending entries are queued or in flight (held events do not count: they wait for other shards). */
  ready(watermark: number): Promise<void> {
    this.release(watermark);
    return this.waitFor(true);
  }

  /** Sends every held event and the partial batch now; resolves once every published event is on the keyed stream. */
  async flush(): Promise<void> {
    this.release(Number.POSITIVE_INFINITY);
    this.flushing += 1;
    try {
      this.pump();
      await this.waitFor(false);
    } finally {
      this.flushing -= 1;
    }
  }

  /** Events held back until the watermark passes them. */
  get holding(): number {
    return this.held.size;
  }

  private release(watermark: number): void {
    const released = this.held.popWhile(({ event }) => event.time <= watermark);
    if (released.length === 0) return;
    for (const { event, onAcked } of released) this.enqueue(event, onAcked);
    this.pump();
  }

  private enqueue(event: SecurityEvent, onAcked: () => void): void {
    const keys = this.o.routes.keysOf(event);
    const data = encodeEvent(event);
    let remaining = keys.length;
    const ack = () => {
      remaining -= 1;
      if (remaining === 0) onAcked();
    };
    for (const key of keys) {
      const bytes = data.length + Buffer.byteLength(key);
      if (bytes > PUT_RECORD_MAX_BYTES) {
        this.o.onError?.(
          new Error(`event ${event.id} is ${bytes} bytes encoded, over the 1-MiB record limit`),
        );
        ack();
        continue;
      }
      this.queue.push({ entry: { Data: data, PartitionKey: key }, bytes, ack });
      this.queuedBytes += bytes;
    }
    if (keys.length === 0) onAcked();
  }

  /** Entries (event copies) Kinesis accepted so far. */
  get published(): number {
    return this.putCount;
  }

  /** Entries queued or in flight. */
  get pending(): number {
    return this.queue.length + this.inFlight;
  }

  /** flush() waits for held events too. */
  private get unsettled(): number {
    return this.pending + this.held.size;
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
    const { pending, unsettled } = this;
    this.waiters = this.waiters.filter((waiter) => {
      if (waiter.ready ? pending < (this.o.maxPending ?? 10_000) : unsettled === 0) waiter.resolve();
      else return true;
      return false;
    });
  }
}

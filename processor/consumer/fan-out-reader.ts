import {
  DescribeStreamConsumerCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  RegisterStreamConsumerCommand,
  type StartingPosition,
  SubscribeToShardCommand,
  type SubscribeToShardEventStream,
} from '@aws-sdk/client-kinesis';
import {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  isRetriableAwsError,
  type RetryPolicy,
  retry,
} from '../sinks/retry.js';
import type { ShardBatch, StartPosition } from './shard-reader.js';

/** How long registerFanOutConsumer waits for a new consumer to become ACTIVE (AWS: usually seconds). */
const ACTIVE_WITHIN_MS = 60_000;
const ACTIVE_POLL_MS = 500;

/**
 * The ARN of the enhanced fan-out consumer `consumerName` on `streamName`, registered if missing, once ACTIVE.
 * Every worker of one application shares it (as the KCL's consumer named after the application).
 *
 *   const consumerArn = await registerFanOutConsumer(kinesis, 'security-events', 'shardwatch-leases');
 */
export async function registerFanOutConsumer(
  kinesis: KinesisClient,
  streamName: string,
  consumerName: string,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<string> {
  const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
  const streamArn = summary.StreamDescriptionSummary?.StreamARN;
  if (!streamArn) throw new Error(`DescribeStreamSummary returned no ARN for ${streamName}`);
  try {
    await kinesis.send(
      new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: consumerName }),
    );
  } catch (error) {
    // Another worker registered it first.
    if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
  }
  for (let waited = 0; ; waited += ACTIVE_POLL_MS) {
    const out = await kinesis.send(
      new DescribeStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: consumerName }),
    );
    const consumer = out.ConsumerDescription;
    if (consumer?.ConsumerStatus === 'ACTIVE' && consumer.ConsumerARN) return consumer.ConsumerARN;
    if (waited >= ACTIVE_WITHIN_MS)
      throw new Error(`fan-out consumer ${consumerName} not ACTIVE after ${ACTIVE_WITHIN_MS / 1000} s`);
    await sleep(ACTIVE_POLL_MS);
  }
}

export interface FanOutReaderOptions {
  /** Must speak HTTP/2 against AWS; kinesis-local serves SubscribeToShard only over HTTP/1.1. */
  kinesis: KinesisClient;
  consumerArn: string;
  shardId: string;
  start: StartPosition;
  /** For SubscribeToShard calls: ResourceInUse (the previous owner's subscription still open), throttling. */
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
}

/** A SubscribeToShard event-stream member that is not a SubscribeToShardEvent: the subscription failed. */
export class SubscriptionError extends Error {
  constructor(readonly code: string) {
    super(`SubscribeToShard event stream failed: ${code}`);
    this.name = code;
  }
}

/**
 * Enhanced fan-out for one shard: the same read() contract as ShardReader (one batch per call), fed by
 * SubscribeToShard events that Kinesis pushes (AWS: as records arrive; kinesis-local: every second). A
 * subscription lasts 5 minutes; when it ends, or fails (a network error, an error event), the reader
 * subscribes again AFTER the last ContinuationSequenceNumber, so nothing is skipped or repeated. The previous
 * owner's subscription may stay open for seconds after a lease moves (ResourceInUseException): retried with
 * backoff. The shard's end is the event without a ContinuationSequenceNumber, listing the child shards
 * (kinesis-local never sends it: closed shards need the polling reader there).
 *
 *   const reader = new FanOutReader({ kinesis: h2Client, consumerArn, shardId, start: { type: 'TRIM_HORIZON' } });
 *   const batch = await reader.read(); … reader.close();
 */
export class FanOutReader {
  private events: AsyncIterator<SubscribeToShardEventStream> | undefined;
  private abort: AbortController | undefined;
  private continuation: string | undefined;
  private behind = 0;
  private children: string[] | undefined;
  private closed = false;
  /** Subscriptions that failed in a row. */
  private failures = 0;

  constructor(private readonly o: FanOutReaderOptions) {}

  /** The next event's records; an empty batch once closed. Throws when subscribing failed after every retry. */
  async read(): Promise<ShardBatch> {
    for (;;) {
      if (this.children)
        return { records: [], millisBehindLatest: 0, shardEnd: true, childShardIds: this.children };
      if (this.closed)
        return { records: [], millisBehindLatest: this.behind, shardEnd: false, childShardIds: [] };
      this.events ??= await this.subscribe();
      let next: IteratorResult<SubscribeToShardEventStream>;
      try {
        next = await this.events.next();
      } catch (error) {
        this.endSubscription();
        if (!this.closed) await this.afterFailure(error); // a dropped connection: subscribe again
        continue;
      }
      if (next.done) {
        this.endSubscription(); // the 5-minute subscription is over
        continue;
      }
      const event = next.value.SubscribeToShardEvent;
      if (!event) {
        this.endSubscription();
        const code = Object.keys(next.value).find((key) => key !== '$unknown') ?? 'UnknownEvent';
        const error = new SubscriptionError(code);
        if (code === 'ResourceNotFoundException' || code.startsWith('KMS')) throw error;
        await this.afterFailure(error); // InternalFailure, ResourceInUse: subscribe again
        continue;
      }
      this.failures = 0;
      const records = event.Records ?? [];
      this.behind = event.MillisBehindLatest ?? 0;
      if (!event.ContinuationSequenceNumber) {
        this.children = (event.ChildShards ?? []).flatMap((c) => (c.ShardId ? [c.ShardId] : [])).sort();
        this.endSubscription();
        return { records, millisBehindLatest: 0, shardEnd: true, childShardIds: this.children };
      }
      this.continuation = event.ContinuationSequenceNumber;
      return { records, millisBehindLatest: this.behind, shardEnd: false, childShardIds: [] };
    }
  }

  /** Ends the subscription (a pending read() returns an empty batch) so the next owner can subscribe. */
  close(): void {
    this.closed = true;
    this.endSubscription();
  }

  private async subscribe(): Promise<AsyncIterator<SubscribeToShardEventStream>> {
    const abort = new AbortController();
    const out = await retry(
      () =>
        this.o.kinesis.send(
          new SubscribeToShardCommand({
            ConsumerARN: this.o.consumerArn,
            ShardId: this.o.shardId,
            StartingPosition: this.position(),
          }),
          { abortSignal: abort.signal },
        ),
      {
        policy: this.o.retry ?? DEFAULT_RETRY_POLICY,
        retriable: (error) =>
          isRetriableAwsError(error) || (error instanceof Error && error.name === 'ResourceInUseException'),
        ...(this.o.sleep ? { sleep: this.o.sleep } : {}),
      },
    );
    if (!out.EventStream) throw new Error(`SubscribeToShard returned no event stream for ${this.o.shardId}`);
    this.abort = abort;
    return out.EventStream[Symbol.asyncIterator]();
  }

  /** Backs off before the next subscription; throws `error` once the retry policy's attempts are used up. */
  private async afterFailure(error: unknown): Promise<void> {
    const policy = this.o.retry ?? DEFAULT_RETRY_POLICY;
    this.failures += 1;
    if (this.failures >= policy.maxAttempts) throw error;
    const sleep = this.o.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    await sleep(backoffDelay(policy, this.failures));
  }

  private endSubscription(): void {
    this.abort?.abort();
    this.abort = undefined;
    this.events = undefined;
  }

  /** After the last event: AFTER its continuation. Before: the configured start. */
  private position(): StartingPosition {
    if (this.continuation !== undefined)
      return { Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: this.continuation };
    const start = this.o.start;
    switch (start.type) {
      case 'AT_TIMESTAMP':
        return { Type: 'AT_TIMESTAMP', Timestamp: start.timestamp };
      case 'AFTER_SEQUENCE_NUMBER':
        return { Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: start.sequenceNumber };
      default:
        return { Type: start.type };
    }
  }
}

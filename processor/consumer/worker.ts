import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { Detection, DetectionParams } from '../../detections/api.js';
import type { AllowRule } from '../../detections/operators/index.js';
import type { EventSource, Finding, SecurityEvent } from '../../schemas/types.js';
import type { DeadLetter, DecodeOptions } from '../decode/index.js';
import { Pipeline, type PipelineOptions } from '../pipeline/pipeline.js';
import { WatermarkClock } from '../pipeline/watermarks.js';
import type { Delivery } from '../sinks/delivery.js';
import type { RetryPolicy } from '../sinks/retry.js';
import { StateCache } from '../state/index.js';
import { CheckpointHorizon, ShardPositions } from './checkpoint-horizon.js';
import type { ConsumerLog } from './consumer-log.js';
import { FanOutReader, registerFanOutConsumer } from './fan-out-reader.js';
import { DEFAULT_FAILOVER_MS, LeaseCoordinator } from './lease-coordinator.js';
import { LATEST, type Lease, LeaseTable, SHARD_END, TRIM_HORIZON } from './lease-table.js';
import { type RecordDecoder, type ShardOutcome, ShardProcessor } from './shard-processor.js';
import { ShardReader, type StartPosition } from './shard-reader.js';
import { childShardsOf, parentsDone, syncShards } from './shard-sync.js';

/**
 * Where the `ingest` role sends the events stateful detections need (the keyed stream). Like Delivery for
 * findings: a record is checkpointed only once every event it published is acked. `watermark` is the
 * pipeline watermark after the event (the publisher may hold events back until the watermark passes them).
 */
export interface EventPublisher {
  wants(source: EventSource, action: string): boolean;
  publish(event: SecurityEvent, onAcked: () => void, watermark: number): void;
  /** Resolves when the publisher can take more events (backpressure on reads). */
  ready(watermark: number): Promise<void>;
  /** Resolves when every published event is acked. */
  flush(): Promise<void>;
}

export interface WorkerOptions {
  kinesis: KinesisClient;
  dynamodb: DynamoDBClient;
  streamName: string;
  leaseTableName: string;
  /** Unique per process, e.g. hostname-pid: the lease owner written to the table. */
  workerId: string;
  detections: readonly Detection[];
  params?: Readonly<Record<string, DetectionParams>>;
  allowRules?: readonly AllowRule[];
  flowFormat?: string | undefined;
  latenessMs: number;
  state: { maxEntries: number; maxBytes: number; ttlMs: number };
  /** Where findings go; the worker flushes it on stop but does not close it (the caller owns it). */
  delivery: Delivery;
  /** Where shards without a checkpoint start. */
  initialPosition: 'TRIM_HORIZON' | 'LATEST';
  /** Lease duration (KCL failoverTimeMillis), default 10 s. */
  failoverMs?: number;
  /** Default 5 s. */
  checkpointIntervalMs?: number;
  /** Longest window / sequence span of the enabled detections: records inside it stay replayable; default 1 h. */
  horizonMs?: number;
  /** ListShards for new shards (resharding) this often, default 60 s; also after every shard end. */
  shardSyncIntervalMs?: number;
  /** Wait after an empty GetRecords, default 1 s. */
  idleMs?: number;
  /** Caught-up shards stop holding the watermark back after this long without records (default 30 s). */
  idleTimeoutMs?: number;
  retry?: RetryPolicy;
  onDeadLetter?: (deadLetter: DeadLetter) => void;
  /** A shard sync or a shard's reads failed after retries (the shard is resumed after idleMs). */
  onError?: (error: unknown, context: string) => void;
  /** One line per lease change, shard end and checkpoint failure. */
  log?: ConsumerLog;
  /** Role `ingest`: events the publisher wants are decoded even if no local detection does, and published. */
  publisher?: EventPublisher;
  /** Role `detect`: how records become events (default decodeRecord). */
  decoder?: RecordDecoder;
  /**
   * Enhanced fan-out (SubscribeToShard) instead of GetRecords polling, through the consumer `consumerName`
   * (registered if missing); `kinesis` is the client for the subscriptions (HTTP/2 on AWS), default the main one.
   */
  fanOut?: { consumerName: string; kinesis?: KinesisClient };
}

/** One shard being processed, as Worker.shards() reports it. */
export interface ShardStatus {
  shardId: string;
  millisBehindLatest: number;
  /** Kinesis records read by this worker since it took the lease. */
  records: number;
  /** Records read but not yet checkpointable (unacked findings, or inside the horizon). */
  outstanding: number;
  /** Caught up with no records: not holding the watermark back. */
  idle: boolean;
}

interface Running {
  processor: ShardProcessor;
  positions: ShardPositions;
  done: Promise<ShardOutcome>;
}

const DEFAULT_HORIZON_MS = 3_600_000;

/**
 * A KCL-style consumer in the `all` role: DynamoDB leases (fair share, stealing, failover), shard sync,
 * one ShardProcessor per held shard feeding one event-time Pipeline (one watermark input per shard), and
 * findings through Delivery. Checkpoints wait for acks and the CheckpointHorizon, so a taker replays what
 * open windows still need. stop() is graceful: stop reading, flush sinks, checkpoint, release the leases.
 *
 *   const worker = new Worker({ kinesis, dynamodb, streamName: 'events', leaseTableName: 'shardwatch', ... });
 *   await worker.start(); process.on('SIGTERM', () => void worker.stop());
 */
export class Worker {
  readonly pipeline: Pipeline;
  private readonly clock: WatermarkClock;
  private readonly horizon: CheckpointHorizon;
  private readonly table: LeaseTable;
  private readonly coordinator: LeaseCoordinator;
  private readonly running = new Map<string, Running>();
  /** Per shard, the last record this pipeline saw: a lease taken back must not push those records twice. */
  private readonly pushedUpTo = new Map<string, string>();
  private readonly decode: DecodeOptions;
  /** The record whose push is under way: its findings are held against it. */
  private pushing: ShardPositions | undefined;
  /** The enhanced fan-out consumer, registered by start() when `fanOut` is set. */
  private consumerArn: string | undefined;
  /**
   * Leases acquired during the take cycle under way: their inputs are all opened before any is read, so a
   * shard read first cannot move the watermark past records of a shard taken in the same cycle.
   */
  private acquiring: Lease[] | undefined;
  private timers: NodeJS.Timeout[] = [];
  /** The lease cycle (take or renew) in flight, by kind: a slow one is not started twice. */
  private readonly cycles = new Map<string, Promise<void>>();
  private syncing: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(private readonly o: WorkerOptions) {
    this.clock = new WatermarkClock(o.latenessMs);
    this.horizon = new CheckpointHorizon({ clock: this.clock, horizonMs: o.horizonMs ?? DEFAULT_HORIZON_MS });
    const state = new StateCache({ ...o.state, now: () => this.clock.latest });
    const pipelineOptions: PipelineOptions = {
      detections: o.detections,
      clock: this.clock,
      state,
      onFinding: (finding) => this.submit(finding),
    };
    if (o.params) pipelineOptions.params = o.params;
    if (o.allowRules) pipelineOptions.allowRules = o.allowRules;
    this.pipeline = new Pipeline(pipelineOptions);
    const { publisher } = o;
    this.decode = {
      wants: (source, action) =>
        this.pipeline.wants(source, action) || publisher?.wants(source, action) === true,
    };
    if (o.flowFormat) this.decode.flowFormat = o.flowFormat;
    this.table = new LeaseTable({ client: o.dynamodb, tableName: o.leaseTableName });
    this.coordinator = new LeaseCoordinator({
      table: this.table,
      workerId: o.workerId,
      ...(o.failoverMs === undefined ? {} : { failoverMs: o.failoverMs }),
      eligible: (lease, all) => lease.checkpoint !== SHARD_END && parentsDone(lease, all),
      onAcquired: (lease) => this.acquired(lease),
      onLost: (leaseKey) => this.running.get(leaseKey)?.processor.stop(),
      onError: (error) => o.onError?.(error, 'leases'),
      ...(o.log ? { log: o.log } : {}),
    });
  }

  /**
   * Ensures the lease table, syncs shards, takes a first share of leases and starts reading them; then
   * renews leases every failover/3, takes (or steals) every failover and syncs shards on their timers.
   */
  async start(): Promise<void> {
    await this.table.ensureTable();
    if (this.o.fanOut)
      this.consumerArn = await registerFanOutConsumer(
        this.o.kinesis,
        this.o.streamName,
        this.o.fanOut.consumerName,
      );
    await syncShards(this.syncOptions());
    await this.takeCycle();
    const failoverMs = this.o.failoverMs ?? DEFAULT_FAILOVER_MS;
    this.timers = [
      setInterval(() => this.cycle('renew', () => this.coordinator.renewOnce()), failoverMs / 3),
      setInterval(() => this.cycle('take', () => this.takeCycle()), failoverMs),
      setInterval(() => void this.sync(), this.o.shardSyncIntervalMs ?? 60_000),
    ];
  }

  /**
   * Graceful shutdown: stop reading, flush every finding to the sinks, checkpoint what is acked and behind
   * the horizon, release the leases. Windows still open are not flushed: the next owner replays them.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    await Promise.all(this.cycles.values());
    const running = [...this.running.values()];
    for (const { processor } of running) processor.stop();
    await Promise.all(running.map(({ done }) => done.catch(() => undefined)));
    await Promise.all([this.o.delivery.flush(), this.o.publisher?.flush()]);
    for (const { processor } of running) await processor.checkpointNow();
    await this.syncing;
    await this.coordinator.stop({ release: true });
  }

  /** The shards this worker is reading, sorted by shard id. */
  shards(): ShardStatus[] {
    return [...this.running.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([shardId, { processor, positions }]) => ({
        shardId,
        millisBehindLatest: processor.millisBehindLatest,
        records: processor.records,
        outstanding: positions.outstanding,
        idle: processor.isIdle,
      }));
  }

  /** The pipeline's event-time watermark (minimum over shards that are not idle). */
  get watermark(): number {
    return this.clock.watermark;
  }

  private submit(finding: Finding): void {
    const releaseHorizon = this.horizon.hold();
    const releaseRecord = this.pushing?.hold();
    this.o.delivery.submit(finding, () => {
      releaseHorizon();
      releaseRecord?.();
    });
  }

  private acquired(lease: Lease): void {
    if (this.stopped || this.running.has(lease.leaseKey)) return;
    if (this.acquiring) this.acquiring.push(lease);
    else this.startReading([lease]);
  }

  /** One take (or steal) cycle; what it acquired starts reading once the cycle is over. */
  private async takeCycle(): Promise<void> {
    this.acquiring = [];
    try {
      await this.coordinator.takeOnce();
    } finally {
      const acquired = this.acquiring;
      this.acquiring = undefined;
      this.startReading(acquired);
    }
  }

  private startReading(leases: readonly Lease[]): void {
    if (this.stopped) return;
    for (const lease of leases) this.pipeline.open(lease.leaseKey);
    for (const lease of leases) this.run(lease.leaseKey, startPosition(lease.checkpoint));
  }

  /** Runs a lease cycle unless the previous one of its kind is still running; failures are reported. */
  private cycle(kind: string, work: () => Promise<void>): void {
    if (this.cycles.has(kind)) return;
    const running = work()
      .catch((error: unknown) => this.o.onError?.(error, `leases (${kind})`))
      .finally(() => this.cycles.delete(kind));
    this.cycles.set(kind, running);
  }

  /** Reads a shard from `start`; `positions` carries over when a failed shard resumes after its last record. */
  private run(shardId: string, start: StartPosition, positions = new ShardPositions(this.horizon)): void {
    const { delivery, publisher, fanOut } = this.o;
    const retry = this.o.retry ? { retry: this.o.retry } : {};
    const reader =
      fanOut && this.consumerArn
        ? new FanOutReader({
            kinesis: fanOut.kinesis ?? this.o.kinesis,
            consumerArn: this.consumerArn,
            shardId,
            start,
            ...retry,
          })
        : new ShardReader({
            kinesis: this.o.kinesis,
            streamName: this.o.streamName,
            shardId,
            start,
            ...retry,
          });
    const processor = new ShardProcessor({
      shardId,
      reader,
      positions,
      decode: this.decode,
      input: {
        open: (id) => this.pipeline.open(id),
        close: (id) => this.pipeline.close(id),
        push: (id, event: SecurityEvent, held) => {
          this.pushing = held;
          try {
            this.pipeline.push(id, event);
            if (publisher?.wants(event.source, event.action))
              publisher.publish(event, held.hold(), this.clock.watermark);
          } finally {
            this.pushing = undefined;
          }
        },
      },
      ready: () => both(delivery.ready(), publisher?.ready(this.clock.watermark)),
      flush: () => both(delivery.flush(), publisher?.flush()),
      ...(this.o.decoder ? { decoder: this.o.decoder } : {}),
      checkpoint: (sequence) => this.checkpoint(shardId, sequence),
      finish: (children) => this.finishShard(shardId, children),
      ...(this.o.onDeadLetter ? { onDeadLetter: this.o.onDeadLetter } : {}),
      ...(this.o.checkpointIntervalMs === undefined
        ? {}
        : { checkpointIntervalMs: this.o.checkpointIntervalMs }),
      // Fan-out events arrive paced by Kinesis: read the next one at once.
      ...(fanOut ? { idleMs: 0 } : this.o.idleMs === undefined ? {} : { idleMs: this.o.idleMs }),
      ...(this.o.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: this.o.idleTimeoutMs }),
      ...(this.pushedUpTo.has(shardId) ? { pushedUpTo: this.pushedUpTo.get(shardId) as string } : {}),
    });
    const done = processor.run();
    this.running.set(shardId, { processor, positions, done });
    void done.then(
      (outcome) => this.ended(shardId, outcome),
      (error: unknown) => this.failed(shardId, start, processor, positions, error),
    );
  }

  /**
   * A processor's run ended. On shutdown its input stays open (closing could fire windows); a lost or
   * finished shard stops being an input.
   */
  private ended(shardId: string, outcome: ShardOutcome): void {
    if (this.stopped && outcome === 'stopped') return;
    const last = this.running.get(shardId)?.processor.lastSequenceNumber;
    if (last !== undefined) this.pushedUpTo.set(shardId, last);
    this.running.delete(shardId);
    this.pipeline.close(shardId);
    if (outcome === 'shard_end' && !this.stopped) void this.sync();
  }

  /** Reads failed after every retry: resume after the last processed record (re-reading would double-count). */
  private failed(
    shardId: string,
    start: StartPosition,
    processor: ShardProcessor,
    positions: ShardPositions,
    error: unknown,
  ): void {
    this.o.onError?.(error, `shard ${shardId}`);
    const last = processor.lastSequenceNumber;
    const resume: StartPosition = last ? { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: last } : start;
    setTimeout(() => {
      if (this.stopped || this.running.get(shardId)?.processor !== processor) return;
      this.run(shardId, resume, positions);
    }, this.o.idleMs ?? 1000);
  }

  /** A shard's checkpoint write; a lost lease or a failed write is logged (the processor then stops or retries). */
  private async checkpoint(shardId: string, sequence: string, childShardIds?: string[]): Promise<boolean> {
    const failed = { event: 'checkpoint_failed', shard: shardId, sequence };
    try {
      const written = await this.coordinator.checkpoint(shardId, sequence, 0, childShardIds);
      if (!written) this.o.log?.warn({ ...failed, reason: 'lease_lost' }, 'checkpoint failed');
      return written;
    } catch (error) {
      this.o.log?.error({ ...failed, reason: 'write_failed', err: error }, 'checkpoint failed');
      throw error;
    }
  }

  /**
   * SHARD_END checkpoint with the children in the same write (the coordinator then drops the lease: finished,
   * nobody's work). Children missing from the last GetRecords are looked up with ListShards.
   */
  private async finishShard(shardId: string, childShardIds: string[]): Promise<boolean> {
    const children =
      childShardIds.length > 0
        ? childShardIds
        : await childShardsOf(this.o.kinesis, this.o.streamName, shardId);
    const written = await this.checkpoint(shardId, SHARD_END, children);
    if (written) this.o.log?.info({ event: 'shard_end', shard: shardId, children }, 'shard end');
    return written;
  }

  /** One shard sync after the previous one; failures are reported, the next interval tries again. */
  private sync(): Promise<unknown> {
    this.syncing = this.syncing
      .then(() => syncShards(this.syncOptions()))
      .catch((error: unknown) => this.o.onError?.(error, 'shard sync'));
    return this.syncing;
  }

  private syncOptions(): Parameters<typeof syncShards>[0] {
    const { kinesis, streamName, initialPosition } = this.o;
    return { kinesis, streamName, table: this.table, initialPosition };
  }
}

/** Where a lease's shard is read from: its checkpoint (a sequence number or a sentinel). */
function startPosition(checkpoint: string): StartPosition {
  if (checkpoint === TRIM_HORIZON || checkpoint === LATEST) return { type: checkpoint };
  return { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: checkpoint };
}

async function both(findings: Promise<void>, events: Promise<void> | undefined): Promise<void> {
  await Promise.all([findings, events]);
}

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { Detection, DetectionParams } from '../../detections/api.js';
import type { AllowRule } from '../../detections/operators/index.js';
import type { EventSource, Finding, SecurityEvent } from '../../schemas/types.js';
import type { DeadLetter, DecodeOptions } from '../decode/index.js';
import { PipelineCounters } from '../pipeline/counters.js';
import { Pipeline, type PipelineOptions } from '../pipeline/pipeline.js';
import { WatermarkClock } from '../pipeline/watermarks.js';
import type { Delivery } from '../sinks/delivery.js';
import type { RetryPolicy } from '../sinks/retry.js';
import { StateCache } from '../state/index.js';
import { CheckpointHorizon, type CheckpointPosition, ShardPositions } from './checkpoint-horizon.js';
import type { ConsumerLog } from './consumer-log.js';
import { decodeEngineSnapshot, type EngineSnapshot, encodeEngineSnapshot } from './engine-snapshot.js';
import { FanOutReader, registerFanOutConsumer } from './fan-out-reader.js';
import { globalWatermark, type OwnShard } from './global-watermark.js';
import { type EngineOrigin, type EnginePosition, KeyedEngine } from './keyed-engine.js';
import { DEFAULT_FAILOVER_MS, LeaseCoordinator } from './lease-coordinator.js';
import {
  type CheckpointExtras,
  LATEST,
  type Lease,
  LeaseTable,
  SHARD_END,
  TRIM_HORIZON,
} from './lease-table.js';
import { type HashRange, hashRangeOf } from './roles/hash-range.js';
import { type ShardInput, type ShardOutcome, ShardProcessor } from './shard-processor.js';
import { ShardReader, type StartPosition } from './shard-reader.js';
import { childShardsOf, parentsDone, syncShards } from './shard-sync.js';
import { SnapshotStore } from './snapshot-store.js';
import { ChainedTails, MergedTails, ShardTail, type TailCursor } from './tail-cursor.js';

/**
 * Where the `ingest` role sends what the keyed stream carries: the events stateful detections need, and the
 * findings of single-event detections with a dedup period (rolled up there, one engine per dedup key). Like
 * Delivery for findings: a record is checkpointed only once everything it published is acked.
 */
export interface EventPublisher {
  wants(source: EventSource, action: string): boolean;
  /** `origin`: where it was read (shard, sequence number, index), the same for a copy published again. */
  publish(event: SecurityEvent, onAcked: () => void, origin: string): void;
  /** Whether this detection's findings go to the keyed stream instead of the sinks. */
  relays(detection: string): boolean;
  publishFinding(finding: Finding, onAcked: () => void, origin: string): void;
  /**
   * Ingest's watermark (see KeyedRecord): the minimum over source shards of their promises. A shard's promise is
   * the greatest event time up to the last record whose publications are all acked, minus the lateness (a later
   * record is not late, or it is late in its own shard), and no later than what the pipeline still holds for the
   * watermark; what a new owner re-reads from the checkpoint and was published already is a copy, dropped on
   * the detect side. Every record put from now on carries it, and every keyed shard is told when it moves.
   */
  advanceWatermark(watermark: number): void;
  /** Resolves when the publisher can take more (backpressure on reads). */
  ready(): Promise<void>;
  /** Resolves when everything published is acked. */
  flush(): Promise<void>;
}

/** Role `detect`: the stream is the keyed stream, and each of its shards gets an engine of its own. */
export interface KeyedOptions {
  /** Single-event detections with a dedup period, whose findings ingest published for rolling up here. */
  relayed: readonly Detection[];
  /** DynamoDB table of the engine snapshots (created if missing). */
  snapshotTable: string;
  /** A keyed shard checkpoints (with a snapshot) at most this often, default 60 s. */
  snapshotIntervalMs?: number;
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
  /**
   * Role `ingest`: events and findings the publisher wants go to the keyed stream; each source shard's watermark
   * promise is written to its lease, and the minimum over the lease table goes out with the keyed records.
   */
  publisher?: EventPublisher;
  /** Role `detect`: one engine per keyed shard (see KeyedOptions). */
  keyed?: KeyedOptions;
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
  /** Role detect: the shard's own engine. */
  engine: KeyedEngine | undefined;
  done: Promise<ShardOutcome>;
  /** Role ingest: the lease carries the idle mark (caught up, everything checkpointed). */
  markedIdle: boolean;
  /** Role ingest: the watermark promise last written to the lease. */
  promised: number;
}

/** The engine of roles all and ingest: one pipeline for every shard the worker holds. */
interface SharedEngine {
  pipeline: Pipeline;
  clock: WatermarkClock;
  horizon: CheckpointHorizon;
}

const DEFAULT_HORIZON_MS = 3_600_000;
const DEFAULT_SNAPSHOT_INTERVAL_MS = 60_000;
/** How many reshards within one horizon a child follows back through shards that never checkpointed. */
const MAX_RESHARD_DEPTH = 8;

/**
 * A KCL-style consumer: DynamoDB leases (fair share, stealing, failover), shard sync, one ShardProcessor per held
 * shard, findings through Delivery. Roles `all` and `ingest` feed every shard into one event-time Pipeline (one
 * watermark input per shard); role `detect` gives every keyed shard its own engine (KeyedEngine) whose snapshot is
 * saved with each checkpoint. Checkpoints wait for acks and the CheckpointHorizon, so a taker replays what open
 * windows still need. stop() is graceful: stop reading, flush sinks, checkpoint, release the leases.
 *
 *   const worker = new Worker({ kinesis, dynamodb, streamName: 'events', leaseTableName: 'shardwatch', ... });
 *   await worker.start(); process.on('SIGTERM', () => void worker.stop());
 */
export class Worker {
  /** Every engine's counters, summed (an engine given up keeps its counts here). */
  readonly counters = new PipelineCounters();
  private readonly shared: SharedEngine | undefined;
  private readonly snapshots: SnapshotStore | undefined;
  private readonly table: LeaseTable;
  private readonly coordinator: LeaseCoordinator;
  private readonly running = new Map<string, Running>();
  /** Keyed engines being built (snapshot loads, parents' tails): a lease lost meanwhile cancels its start. */
  private readonly opening = new Map<string, { cancelled: boolean; failed: boolean; done: Promise<void> }>();
  /** Leases taken again while the processor (or engine start) of their loss was still winding down. */
  private readonly retaken = new Set<string>();
  /** Per shard, the last record the shared pipeline saw: a lease taken back must not push those records twice. */
  private readonly pushedUpTo = new Map<string, string>();
  private readonly decode: DecodeOptions;
  /** What every shard feeds in roles all and ingest (set with the shared engine). */
  private sharedInput: ShardInput | undefined;
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
    const { publisher } = o;
    if (o.keyed) {
      this.snapshots = new SnapshotStore({ client: o.dynamodb, tableName: o.keyed.snapshotTable });
      this.decode = {}; // each keyed engine decodes with its own pipeline's prefilter
    } else {
      this.shared = this.sharedEngine();
      const { pipeline } = this.shared;
      this.decode = {
        wants: (source, action) =>
          pipeline.wants(source, action) || publisher?.wants(source, action) === true,
      };
    }
    if (o.flowFormat) this.decode.flowFormat = o.flowFormat;
    this.table = new LeaseTable({ client: o.dynamodb, tableName: o.leaseTableName });
    this.coordinator = new LeaseCoordinator({
      table: this.table,
      workerId: o.workerId,
      ...(o.failoverMs === undefined ? {} : { failoverMs: o.failoverMs }),
      eligible: (lease, all) => lease.checkpoint !== SHARD_END && parentsDone(lease, all),
      onAcquired: (lease) => this.acquired(lease),
      onLost: (leaseKey) => this.lost(leaseKey),
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
    await this.snapshots?.ensureTable();
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
    if (this.o.publisher) {
      this.timers.push(
        setInterval(
          () => this.cycle('watermark', () => this.publishWatermark()),
          this.o.checkpointIntervalMs ?? 5000,
        ),
      );
    }
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
    await Promise.all([...this.opening.values()].map(({ done }) => done));
    const running = [...this.running.values()];
    for (const { processor } of running) processor.stop();
    await Promise.all(running.map(({ done }) => done.catch(() => undefined)));
    await Promise.all([this.o.delivery.flush(), this.o.publisher?.flush()]);
    for (const { processor } of running) await processor.checkpointNow();
    for (const { engine } of running) engine?.dispose();
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

  /** The event-time watermark: the pipeline's, or the lowest of the keyed shards' engines. */
  get watermark(): number {
    if (this.shared) return this.shared.clock.watermark;
    const engines = [...this.running.values()].flatMap(({ engine }) => (engine ? [engine.watermark] : []));
    return engines.length === 0 ? Number.NEGATIVE_INFINITY : Math.min(...engines);
  }

  private sharedEngine(): SharedEngine {
    const { o } = this;
    const clock = new WatermarkClock(o.latenessMs);
    const horizon = new CheckpointHorizon({ clock, horizonMs: o.horizonMs ?? DEFAULT_HORIZON_MS });
    const state = new StateCache({ ...o.state, now: () => clock.latest });
    let pushing: ShardPositions | undefined;
    /** `<shard>:<sequence>` of the record being pushed: where ingest read what it publishes. */
    let origin = '';
    const relayed = o.detections.filter((detection) => o.publisher?.relays(detection.id));
    const pipelineOptions: PipelineOptions = {
      detections: o.detections,
      clock,
      state,
      counters: this.counters,
      handsOff: new Set(relayed.map((detection) => detection.id)),
      onFinding: (finding) => {
        const releases = [horizon.hold(), pushing?.hold()];
        const onAcked = () => {
          for (const release of releases) release?.();
        };
        if (o.publisher?.relays(finding.detection))
          o.publisher.publishFinding(finding, onAcked, `${origin}:${finding.id}`);
        else o.delivery.submit(finding, onAcked);
      },
    };
    if (o.params) pipelineOptions.params = o.params;
    if (o.allowRules) pipelineOptions.allowRules = o.allowRules;
    const pipeline = new Pipeline(pipelineOptions);
    this.sharedInput = {
      open: (id) => pipeline.open(id),
      close: (id) => {
        pipeline.close(id);
        void this.markIdleIfDone(id);
      },
      push: (id, record, held, at) => {
        pushing = held;
        origin = `${id}:${at.sequence}`;
        try {
          record.events.forEach((event, index) => {
            pipeline.push(id, event);
            if (o.publisher?.wants(event.source, event.action))
              o.publisher.publish(event, held.hold(), `${origin}:${index}`);
          });
        } finally {
          pushing = undefined;
        }
      },
    };
    return { pipeline, clock, horizon };
  }

  private acquired(lease: Lease): void {
    if (this.stopped) return;
    if (this.running.has(lease.leaseKey) || this.opening.has(lease.leaseKey)) {
      // Lost, then taken back before the old processor ended: read it again once that one is gone.
      this.retaken.add(lease.leaseKey);
      return;
    }
    if (this.acquiring) this.acquiring.push(lease);
    else this.startReading([lease]);
  }

  /** A shard's processing ended here; if its lease was taken back meanwhile, it is read again from the lease. */
  private resumeIfRetaken(shardId: string): void {
    if (!this.retaken.delete(shardId) || this.stopped) return;
    const lease = this.coordinator.held().find((held) => held.leaseKey === shardId);
    if (lease) this.startReading([lease]);
  }

  private lost(leaseKey: string): void {
    const opening = this.opening.get(leaseKey);
    if (opening) opening.cancelled = true;
    this.running.get(leaseKey)?.processor.stop();
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
    if (this.shared) {
      for (const lease of leases) this.shared.pipeline.open(lease.leaseKey);
      for (const lease of leases) {
        // A source shard's checkpoint promised its watermark: the running maximum resumes from there.
        const maxTime = lease.watermark === null ? undefined : lease.watermark + this.o.latenessMs;
        const positions = new ShardPositions(this.shared.horizon, maxTime);
        this.run(lease.leaseKey, startPosition(lease.checkpoint), positions, undefined);
      }
      return;
    }
    for (const lease of leases) this.openKeyed(lease);
  }

  /** Builds a keyed shard's engine (from its snapshot, or its parents'), then reads the shard. */
  private openKeyed(lease: Lease): void {
    const shardId = lease.leaseKey;
    const state = { cancelled: false, failed: false, done: Promise.resolve() };
    state.done = this.keyedEngine(lease)
      .then((engine) => {
        if (state.cancelled || this.stopped) {
          engine.dispose();
          return;
        }
        this.run(shardId, startPosition(lease.checkpoint), engine.positions, engine);
      })
      .catch((error: unknown) => {
        // A snapshot that could not be read (the table unreachable): the lease is still ours, try again.
        this.o.onError?.(error, `shard ${shardId} (engine start)`);
        state.failed = true;
      })
      .finally(() => {
        this.opening.delete(shardId);
        if (state.failed) {
          this.retaken.add(shardId);
          setTimeout(() => this.resumeIfRetaken(shardId), this.o.idleMs ?? 1000);
        } else if (!this.running.has(shardId)) this.resumeIfRetaken(shardId);
      });
    this.opening.set(shardId, state);
  }

  private async keyedEngine(lease: Lease): Promise<KeyedEngine> {
    const { o } = this;
    const keyed = o.keyed as KeyedOptions;
    const store = this.snapshots as SnapshotStore;
    const base = {
      shardId: lease.leaseKey,
      detections: o.detections,
      relayed: keyed.relayed,
      ...(o.params ? { params: o.params } : {}),
      ...(o.allowRules ? { allowRules: o.allowRules } : {}),
      state: o.state,
      horizonMs: o.horizonMs ?? DEFAULT_HORIZON_MS,
      counters: this.counters,
      submit: (finding: Finding, onAcked: () => void) => o.delivery.submit(finding, onAcked),
      range: hashRangeOf(lease),
      ...(o.onDeadLetter ? { onDeadLetter: o.onDeadLetter } : {}),
    };
    if (lease.snapshot !== null) {
      const snapshot = decodeEngineSnapshot(await store.load(lease.leaseKey, lease.snapshot));
      return new KeyedEngine({ ...base, origins: [{ snapshot, range: null }] });
    }
    if (lease.parentShardIds.length === 0 || lease.checkpoint !== TRIM_HORIZON) return new KeyedEngine(base);
    // A child never checkpointed: it starts from its parents' snapshots and replays their tails.
    const origins: EngineOrigin[] = [];
    const tails: TailCursor[] = [];
    for (const parentId of lease.parentShardIds) {
      const tail = await this.tailOf(parentId, [], 0);
      if (!tail) continue; // trimmed and cleaned up: nothing left to hand on
      tails.push(tail.cursor);
      if (tail.snapshot) origins.push({ snapshot: tail.snapshot, range: tail.range });
    }
    const engine = new KeyedEngine({ ...base, origins });
    await engine.replayTails(new MergedTails(tails));
    return engine;
  }

  /**
   * What a child replays of one parent: its records after its checkpoint; or, when the parent was itself a child
   * that never checkpointed (resharded again within the horizon), its own parents' tails — within its range —
   * then its records from the start. `within`: the ranges of the shards that replay it on the way.
   */
  private async tailOf(
    shardId: string,
    within: readonly HashRange[],
    depth: number,
  ): Promise<{ cursor: TailCursor; snapshot?: EngineSnapshot; range: HashRange | null } | undefined> {
    const lease = await this.table.get(shardId);
    if (!lease) return undefined;
    const snapshot =
      lease.snapshot === null
        ? undefined
        : decodeEngineSnapshot(await (this.snapshots as SnapshotStore).load(shardId, lease.snapshot));
    const range = hashRangeOf(lease);
    const reader = (start: StartPosition) =>
      new ShardReader({
        kinesis: this.o.kinesis,
        streamName: this.o.streamName,
        shardId,
        start,
        ...(this.o.retry ? { retry: this.o.retry } : {}),
      });
    const replayFrom = snapshot?.replayFrom ?? null;
    const found = (cursor: TailCursor) => ({ cursor, range, ...(snapshot ? { snapshot } : {}) });
    if (replayFrom !== null) {
      const after = reader({ type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: replayFrom });
      return found(new ShardTail(shardId, after, snapshot?.watermark ?? Number.NEGATIVE_INFINITY, within));
    }
    const own = new ShardTail(shardId, reader({ type: 'TRIM_HORIZON' }), Number.NEGATIVE_INFINITY, within);
    if (lease.parentShardIds.length === 0 || depth >= MAX_RESHARD_DEPTH) return found(own);
    const before: TailCursor[] = [];
    for (const parentId of lease.parentShardIds) {
      const tail = await this.tailOf(parentId, range ? [...within, range] : within, depth + 1);
      if (tail) before.push(tail.cursor);
    }
    return found(new ChainedTails(new MergedTails(before), own));
  }

  /** Runs a lease cycle unless the previous one of its kind is still running; failures are reported. */
  private cycle(kind: string, work: () => Promise<void>): void {
    if (this.cycles.has(kind)) return;
    const running = work()
      .catch((error: unknown) => this.o.onError?.(error, `leases (${kind})`))
      .finally(() => this.cycles.delete(kind));
    this.cycles.set(kind, running);
  }

  /** Reads a shard from `start`; `positions` (and the engine) carry over when a failed shard resumes. */
  private run(
    shardId: string,
    start: StartPosition,
    positions: ShardPositions,
    engine: KeyedEngine | undefined,
  ): void {
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
    const input: ShardInput = engine
      ? {
          open: () => undefined,
          close: () => undefined,
          push: (_, record, __, at) => engine.push(record, at),
        }
      : (this.sharedInput as ShardInput);
    const checkpointIntervalMs = engine
      ? (this.o.keyed?.snapshotIntervalMs ?? DEFAULT_SNAPSHOT_INTERVAL_MS)
      : this.o.checkpointIntervalMs;
    const processor = new ShardProcessor({
      shardId,
      reader,
      positions,
      decode: engine ? engine.decodeOptions : this.decode,
      input,
      ready: () => both(delivery.ready(), publisher?.ready()),
      flush: () => both(delivery.flush(), publisher?.flush()),
      ...(engine ? { decoder: engine.decode, onCaughtUp: () => engine.caughtUp() } : {}),
      checkpoint: (position) =>
        engine ? this.checkpointKeyed(engine, position) : this.checkpointShared(shardId, position),
      finish: (children) => this.finishShard(shardId, children, engine),
      ...(this.o.onDeadLetter ? { onDeadLetter: this.o.onDeadLetter } : {}),
      ...(checkpointIntervalMs === undefined ? {} : { checkpointIntervalMs }),
      // Fan-out events arrive paced by Kinesis: read the next one at once.
      ...(fanOut ? { idleMs: 0 } : this.o.idleMs === undefined ? {} : { idleMs: this.o.idleMs }),
      ...(this.o.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: this.o.idleTimeoutMs }),
      ...(!engine && this.pushedUpTo.has(shardId)
        ? { pushedUpTo: this.pushedUpTo.get(shardId) as string }
        : {}),
    });
    const done = processor.run();
    this.running.set(shardId, {
      processor,
      positions,
      engine,
      done,
      markedIdle: false,
      promised: Number.NEGATIVE_INFINITY,
    });
    void done.then(
      (outcome) => this.ended(shardId, outcome),
      (error: unknown) => this.failed(shardId, start, processor, positions, engine, error),
    );
  }

  /** Roles all and ingest. */
  private async checkpointShared(shardId: string, position: CheckpointPosition): Promise<boolean> {
    const written = await this.checkpoint(shardId, position.sequence);
    if (written) await this.markIdleIfDone(shardId);
    return written;
  }

  /** Role detect: the engine's snapshot first (a new version), then the checkpoint that names it. */
  private async checkpointKeyed(engine: KeyedEngine, position: CheckpointPosition): Promise<boolean> {
    const store = this.snapshots as SnapshotStore;
    const at: EnginePosition = {
      replayFrom: position.sequence,
      maxTime: position.maxTime,
      watermark: position.watermark,
      limit: position.limit,
    };
    const version = await store.save(engine.shardId, encodeEngineSnapshot(engine.snapshotAt(at)));
    const written = await this.checkpoint(engine.shardId, position.sequence, [], { snapshot: version });
    if (written) {
      engine.checkpointWritten(at);
      void store
        .deleteOthers(engine.shardId, version)
        .catch((error: unknown) => this.o.onError?.(error, `snapshots of ${engine.shardId}`));
    }
    return written;
  }

  /**
   * Role ingest: a source shard caught up and fully checkpointed is marked idle, so it stops holding the
   * published watermark back (until its next checkpoint).
   */
  private async markIdleIfDone(shardId: string): Promise<void> {
    const running = this.running.get(shardId);
    if (!this.o.publisher || !running || running.markedIdle) return;
    if (!running.processor.isIdle || running.positions.outstanding > 0) return;
    running.markedIdle = await this.coordinator.markIdle(shardId);
  }

  /**
   * Role ingest: writes each held shard's promise (see EventPublisher.advanceWatermark) when it rose, then
   * publishes the minimum over the source shards, as the lease table and this worker know them.
   */
  private async publishWatermark(): Promise<void> {
    const held = this.shared?.pipeline.heldFrom ?? Number.POSITIVE_INFINITY;
    const own = new Map<string, OwnShard>();
    for (const [shardId, running] of this.running) {
      const { processor, positions } = running;
      const promise = Math.min(positions.resolvedMaxTime - this.o.latenessMs, held);
      const idle = processor.isIdle && positions.outstanding === 0;
      own.set(shardId, { idle, watermark: Number.isFinite(promise) ? promise : null });
      if (Number.isFinite(promise) && promise > running.promised) {
        if (!(await this.coordinator.promise(shardId, promise))) continue;
        running.promised = promise;
        running.markedIdle = false;
      }
    }
    const watermark = globalWatermark(await this.table.list(), own);
    if (watermark !== undefined) this.o.publisher?.advanceWatermark(watermark);
    for (const shardId of own.keys()) await this.markIdleIfDone(shardId);
  }

  /**
   * A processor's run ended. On shutdown its input stays open (closing could fire windows); a lost or
   * finished shard stops being an input.
   */
  private ended(shardId: string, outcome: ShardOutcome): void {
    if (this.stopped && outcome === 'stopped') return;
    const running = this.running.get(shardId);
    const last = running?.processor.lastSequenceNumber;
    if (last !== undefined && !running?.engine) this.pushedUpTo.set(shardId, last);
    running?.engine?.dispose();
    this.running.delete(shardId);
    this.shared?.pipeline.close(shardId);
    if (outcome === 'shard_end' && !this.stopped) void this.sync();
    this.resumeIfRetaken(shardId);
  }

  /** Reads failed after every retry: resume after the last processed record (re-reading would double-count). */
  private failed(
    shardId: string,
    start: StartPosition,
    processor: ShardProcessor,
    positions: ShardPositions,
    engine: KeyedEngine | undefined,
    error: unknown,
  ): void {
    this.o.onError?.(error, `shard ${shardId}`);
    const last = processor.lastSequenceNumber;
    const resume: StartPosition = last ? { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: last } : start;
    setTimeout(() => {
      if (this.stopped || this.running.get(shardId)?.processor !== processor) return;
      this.run(shardId, resume, positions, engine);
    }, this.o.idleMs ?? 1000);
  }

  /** A shard's checkpoint write; a lost lease or a failed write is logged (the processor then stops or retries). */
  private async checkpoint(
    shardId: string,
    sequence: string,
    childShardIds: string[] = [],
    extras: CheckpointExtras = {},
  ): Promise<boolean> {
    const failed = { event: 'checkpoint_failed', shard: shardId, sequence };
    try {
      const written = await this.coordinator.checkpoint(shardId, sequence, 0, childShardIds, extras);
      if (!written) this.o.log?.warn({ ...failed, reason: 'lease_lost' }, 'checkpoint failed');
      return written;
    } catch (error) {
      this.o.log?.error({ ...failed, reason: 'write_failed', err: error }, 'checkpoint failed');
      throw error;
    }
  }

  /**
   * SHARD_END checkpoint with the children in the same write (the coordinator then drops the lease: finished,
   * nobody's work). Children missing from the last GetRecords are looked up with ListShards. A keyed shard
   * saves its snapshot with it, from which its children start: its open windows are not flushed here.
   */
  private async finishShard(
    shardId: string,
    childShardIds: string[],
    engine: KeyedEngine | undefined,
  ): Promise<boolean> {
    const children =
      childShardIds.length > 0
        ? childShardIds
        : await childShardsOf(this.o.kinesis, this.o.streamName, shardId);
    const extras = engine
      ? {
          snapshot: await (this.snapshots as SnapshotStore).save(
            shardId,
            encodeEngineSnapshot(engine.finalSnapshot()),
          ),
        }
      : {};
    const written = await this.checkpoint(shardId, SHARD_END, children, extras);
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

import type kcl from 'aws-kcl';
import type { Detection, DetectionParams } from '../../detections/api.js';
import type { AllowRule } from '../../detections/operators/index.js';
import type { Finding } from '../../schemas/types.js';
import { AckedPositions } from '../consumer/acked-positions.js';
import { type DeadLetter, type DecodeOptions, decodeRecord } from '../decode/index.js';
import { Pipeline, type PipelineOptions } from '../pipeline/pipeline.js';
import { WatermarkClock } from '../pipeline/watermarks.js';
import type { Delivery } from '../sinks/delivery.js';
import { StateCache } from '../state/index.js';
import { checkpoint } from './checkpoint.js';

/** The daemon broke the protocol's order (records or shutdown before initialize). */
export class NotInitializedError extends Error {
  override readonly name = 'NotInitializedError';
}

/** What the processor needs of Delivery: submit with an ack callback, backpressure, flush. */
export type FindingDelivery = Pick<Delivery, 'submit' | 'ready' | 'flush'>;

export interface RecordProcessorOptions {
  detections: readonly Detection[];
  params?: Readonly<Record<string, DetectionParams>>;
  /** Allowed lateness behind the shard's newest event (docs/architecture.md, Event time). */
  latenessMs: number;
  state: { maxEntries: number; maxBytes: number; ttlMs: number };
  /** Where findings go; a function is called once with the shard id at initialize (e.g. a per-shard file). */
  delivery: FindingDelivery | ((shardId: string) => FindingDelivery);
  onDeadLetter: (deadLetter: DeadLetter) => void;
  allowRules?: readonly AllowRule[];
  flowFormat?: string | undefined;
  /**
   * A refused checkpoint (not fatal: the next batch retries it), or, with `fatal`, findings can no longer
   * be acked (Delivery failed): the action's status is then never sent; the caller should exit so the
   * daemon restarts the shard from its last checkpoint.
   */
  onError: (error: unknown, fatal: boolean) => void;
}

/**
 * The shardwatch pipeline as an aws-kcl record processor, for teams running the Java MultiLangDaemon. The
 * daemon spawns one process per shard, so this holds one Pipeline, clock and state cache for one shard.
 * Each record's findings are held against its sequence number (AckedPositions) and a batch checkpoints
 * only records whose findings every sink acked (docs/architecture.md); sub-records of a KPL aggregate share one
 * position, since the Node protocol checkpoints whole sequence numbers. Window state lives in this process
 * only: a successor resumes after the checkpoint, so windows open at a crash miss their earlier events.
 *
 *   const processor = createRecordProcessor({ detections, latenessMs, state, delivery, onDeadLetter, onError });
 *   kcl(processor).run(); // stdin/stdout speak the protocol with the daemon
 */
export function createRecordProcessor(options: RecordProcessorOptions): kcl.RecordProcessor {
  const shard = new KclShard(options);
  const run = (action: () => Promise<void>, done: () => void): void => {
    action().then(done, (error: unknown) => options.onError(error, true));
  };
  return {
    initialize: (input, done) => run(async () => shard.open(input.shardId), done),
    processRecords: (input, done) => run(() => shard.process(input.records, input.checkpointer), done),
    // Another worker owns the shard now: no checkpoint is allowed; what is in flight may still reach the sinks.
    leaseLost: (_input, done) => done(),
    shardEnded: (input, done) => run(() => shard.end(input.checkpointer), done),
    shutdownRequested: (input, done) => run(() => shard.shutdown(input.checkpointer), done),
  };
}

/** One shard's pipeline and checkpoint bookkeeping, as promises; createRecordProcessor adapts it to callbacks. */
class KclShard {
  private readonly pipeline: Pipeline;
  private readonly positions = new AckedPositions<string>();
  private readonly decode: DecodeOptions;
  private shardId = '';
  private delivery: FindingDelivery | undefined;
  /** A record is between begin and end: findings emitted now are held against it. */
  private inRecord = false;
  private checkpointed: string | undefined;

  constructor(private readonly o: RecordProcessorOptions) {
    const clock = new WatermarkClock(o.latenessMs);
    const pipelineOptions: PipelineOptions = {
      detections: o.detections,
      clock,
      state: new StateCache({ ...o.state, now: () => clock.latest }),
      onFinding: (finding) => this.submit(finding),
    };
    if (o.params) pipelineOptions.params = o.params;
    if (o.allowRules) pipelineOptions.allowRules = o.allowRules;
    this.pipeline = new Pipeline(pipelineOptions);
    this.decode = { wants: (source, action) => this.pipeline.wants(source, action) };
    if (o.flowFormat) this.decode.flowFormat = o.flowFormat;
  }

  open(shardId: string): void {
    this.shardId = shardId;
    this.delivery = typeof this.o.delivery === 'function' ? this.o.delivery(shardId) : this.o.delivery;
    this.pipeline.open(shardId);
  }

  /** Decodes and pushes a batch, waits for sink capacity, then checkpoints what is acked. */
  async process(records: readonly kcl.KclRecord[], checkpointer: kcl.Checkpointer): Promise<void> {
    let position: string | undefined;
    for (const record of records) {
      if (record.sequenceNumber !== position) {
        if (position !== undefined) this.positions.end();
        position = record.sequenceNumber;
        this.positions.begin(position);
        this.inRecord = true;
      }
      const origin = {
        input: this.shardId,
        offset: record.sequenceNumber,
        index: record.subSequenceNumber ?? 0,
      };
      const { events, deadLetters } = decodeRecord(Buffer.from(record.data, 'base64'), origin, this.decode);
      for (const event of events) this.pipeline.push(this.shardId, event);
      for (const deadLetter of deadLetters) this.o.onDeadLetter(deadLetter);
    }
    if (position !== undefined) {
      this.inRecord = false;
      this.positions.end();
    }
    await this.requireDelivery().ready();
    await this.checkpointAcked(checkpointer);
  }

  /**
   * The shard is closed and read to its end: no more events will come, so every open window fires now;
   * once all findings are acked, SHARD_END is checkpointed (the daemon then starts the child shards).
   */
  async end(checkpointer: kcl.Checkpointer): Promise<void> {
    this.pipeline.close(this.shardId);
    this.pipeline.finish();
    await this.requireDelivery().flush();
    await this.tryCheckpoint(checkpointer, null);
  }

  /** The worker shuts down gracefully: deliver what is pending, checkpoint it; open windows are not flushed. */
  async shutdown(checkpointer: kcl.Checkpointer): Promise<void> {
    await this.requireDelivery().flush();
    await this.checkpointAcked(checkpointer);
  }

  private submit(finding: Finding): void {
    this.requireDelivery().submit(finding, this.inRecord ? this.positions.hold() : () => undefined);
  }

  private async checkpointAcked(checkpointer: kcl.Checkpointer): Promise<void> {
    const position = this.positions.checkpointable;
    if (position === undefined || position === this.checkpointed) return;
    if (await this.tryCheckpoint(checkpointer, position)) this.checkpointed = position;
  }

  /** A refused checkpoint is reported, not fatal: the position stays due and the next batch retries it. */
  private async tryCheckpoint(checkpointer: kcl.Checkpointer, position: string | null): Promise<boolean> {
    try {
      await checkpoint(checkpointer, position);
      return true;
    } catch (error) {
      this.o.onError(error, false);
      return false;
    }
  }

  private requireDelivery(): FindingDelivery {
    if (!this.delivery) throw new NotInitializedError('the daemon sent an action before initialize');
    return this.delivery;
  }
}

import { performance } from 'node:perf_hooks';
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { _Record } from '@aws-sdk/client-kinesis';
import type { Finding } from '../../schemas/types.js';
import {
  type DeadLetter,
  type DecodeOptions,
  type DecodeResult,
  decodeRecord,
  type Origin,
} from '../decode/index.js';
import type { RecordAt } from '../pipeline/pipeline.js';
import type { CheckpointPosition, ShardPositions } from './checkpoint-horizon.js';
import type { ShardBatch } from './shard-reader.js';

/** A decoded record: its events, and on the keyed stream a finding to roll up and ingest's watermark. */
export interface DecodedRecord extends DecodeResult {
  findings?: Finding[];
  watermark?: number | null;
  /** The record's partition key (keyed stream). */
  partitionKey?: string;
}

/** Turns one Kinesis record into events; the default is decodeRecord on its data (the keyed stream decodes Avro). */
export type RecordDecoder = (record: _Record, origin: Origin, options: DecodeOptions) => DecodedRecord;

/** What a shard feeds (an engine), which holds each finding against the record being pushed. */
export interface ShardInput {
  open(shardId: string): void;
  push(shardId: string, record: DecodedRecord, positions: ShardPositions, at: RecordAt): void;
  close(shardId: string): void;
}

export interface ShardProcessorOptions {
  shardId: string;
  /** ShardReader (GetRecords) or FanOutReader (SubscribeToShard); closed when run() ends or on stop(). */
  reader: { read(): Promise<ShardBatch>; close?(): void };
  input: ShardInput;
  positions: ShardPositions;
  /** KPL-aware decoding options (the pipeline's `wants` prefilter, the flow-log format). */
  decode: DecodeOptions;
  /** Default: decodeRecord(record.Data). */
  decoder?: RecordDecoder;
  /** Resolves when sinks can take more findings (Delivery.ready): backpressure on reads. */
  ready: () => Promise<void>;
  /** Sends every queued finding and waits for the acks (Delivery.flush). */
  flush: () => Promise<void>;
  /** Checkpoints a position (with whatever the engine saves with it); false = the lease is lost. */
  checkpoint: (position: CheckpointPosition) => Promise<boolean>;
  /** The shard is closed and fully processed: checkpoint SHARD_END and record the children; false = lost. */
  finish: (childShardIds: string[]) => Promise<boolean>;
  onDeadLetter?: (deadLetter: DeadLetter) => void;
  /** At most one checkpoint per interval while reading (default 5 s); shard end and shutdown always checkpoint. */
  checkpointIntervalMs?: number;
  /** Wait after a read that returned no records (default 1 s). */
  idleMs?: number;
  /**
   * How long a caught-up shard must return no records before it stops holding the watermark back (default
   * 30 s, like Flink's idleness): shorter, and a burst arriving on other shards first makes its records late.
   */
  idleTimeoutMs?: number;
  /** Monotonic ms (default performance.now). */
  now?: () => number;
  /**
   * Called once, after the first batch read with nothing behind it (MillisBehindLatest 0): the processor has read
   * past everything a previous owner of the lease can have read.
   */
  onCaughtUp?: () => void;
  /**
   * Records up to this sequence number already went through this pipeline (a lease lost and taken back):
   * they are tracked for checkpoints but not pushed again, which would count them twice in open windows.
   */
  pushedUpTo?: string;
}

/** How a processor's run ended: the shard was read to its end, stop() was called, or the lease was lost. */
export type ShardOutcome = 'shard_end' | 'stopped' | 'lost';

/**
 * Reads one leased shard into the pipeline: GetRecords → decode (KPL aggregates, any envelope) → push
 * each event, holding its findings against the record; checkpoints what is acked and behind the horizon.
 * A shard caught up with no records for idleTimeoutMs is closed as an input, so an idle shard does not
 * hold the watermark back, and reopened when records arrive. At shard end everything is flushed and SHARD_END checkpointed.
 *
 *   const processor = new ShardProcessor({ shardId, reader, input, positions, decode, ready, flush, checkpoint, finish });
 *   const outcome = await processor.run(); // later: processor.stop(); await processor.checkpointNow();
 */
export class ShardProcessor {
  readonly shardId: string;
  private stopping = false;
  private readonly wake = new AbortController();
  private lastCheckpointAt: number;
  private idle = false;
  /** Since when (monotonic ms) reads of this caught-up shard have returned nothing. */
  private emptySince: number | undefined;
  private behind = 0;
  private recordCount = 0;
  private lost = false;
  private last: string | undefined;
  private caughtUp = false;

  constructor(private readonly o: ShardProcessorOptions) {
    this.shardId = o.shardId;
    this.lastCheckpointAt = this.now();
  }

  /** The shard's lag behind its tip at the last read (GetRecords MillisBehindLatest). */
  get millisBehindLatest(): number {
    return this.behind;
  }

  /** The last record processed (a failed processor's successor resumes after it). */
  get lastSequenceNumber(): string | undefined {
    return this.last;
  }

  /** Caught up with no new records: the shard is not holding the pipeline watermark back. */
  get isIdle(): boolean {
    return this.idle;
  }

  /** Kinesis records read and processed so far. */
  get records(): number {
    return this.recordCount;
  }

  /** Reads until the shard ends, stop() is called or a checkpoint finds the lease lost. */
  async run(): Promise<ShardOutcome> {
    try {
      return await this.readUntilDone();
    } finally {
      this.o.reader.close?.();
    }
  }

  private async readUntilDone(): Promise<ShardOutcome> {
    while (!this.stopping) {
      await this.o.ready();
      const batch = await this.o.reader.read();
      if (this.stopping) break;
      this.behind = batch.millisBehindLatest;
      this.process(batch.records);
      if (batch.millisBehindLatest === 0 && !this.caughtUp) {
        this.caughtUp = true;
        this.o.onCaughtUp?.();
      }
      if (batch.shardEnd) return this.finish(batch.childShardIds);
      if (!(await this.checkpointIfDue(false))) return 'lost';
      if (batch.records.length > 0 || batch.millisBehindLatest > 0) this.emptySince = undefined;
      if (batch.records.length === 0) {
        if (batch.millisBehindLatest === 0) this.idleIfQuietFor(this.o.idleTimeoutMs ?? 30_000);
        await sleepFor(this.o.idleMs ?? 1000, undefined, { signal: this.wake.signal }).catch(() => undefined);
      }
    }
    return this.lost ? 'lost' : 'stopped';
  }

  /**
   * Stops reading after the current GetRecords; no checkpoint (call checkpointNow once findings are flushed).
   * The input stays open: closing it could advance the watermark and fire windows nobody will ack.
   */
  stop(): void {
    this.stopping = true;
    this.wake.abort();
    this.o.reader.close?.();
  }

  /** Checkpoints the checkpointable position now, if it moved; false when the lease is lost. */
  checkpointNow(): Promise<boolean> {
    return this.checkpointIfDue(true);
  }

  private process(records: readonly _Record[]): void {
    if (records.length > 0 && this.idle) {
      this.idle = false;
      this.o.input.open(this.shardId);
    }
    const { positions, input, shardId } = this.o;
    const pushedUpTo = this.o.pushedUpTo === undefined ? undefined : BigInt(this.o.pushedUpTo);
    for (const record of records) {
      const sequence = record.SequenceNumber as string;
      const decoder = this.o.decoder ?? decodeData;
      const decoded = decoder(record, { input: shardId, offset: sequence }, this.o.decode);
      const at = { shard: shardId, sequence: BigInt(sequence) };
      const seen = pushedUpTo !== undefined && at.sequence <= pushedUpTo;
      positions.begin(
        sequence,
        decoded.events.map((event) => event.time),
      );
      try {
        if (!seen) input.push(shardId, decoded, positions, at);
      } finally {
        positions.end();
      }
      if (!seen) for (const deadLetter of decoded.deadLetters) this.o.onDeadLetter?.(deadLetter);
      this.recordCount += 1;
      this.last = sequence;
    }
  }

  private idleIfQuietFor(timeoutMs: number): void {
    this.emptySince ??= this.now();
    if (this.now() - this.emptySince >= timeoutMs) this.goIdle();
  }

  /** A caught-up shard stops holding the pipeline watermark back until its next record. */
  private goIdle(): void {
    if (this.idle) return;
    this.idle = true;
    this.o.input.close(this.shardId);
  }

  private async checkpointIfDue(force: boolean): Promise<boolean> {
    if (this.lost) return false;
    if (!force && this.now() - this.lastCheckpointAt < (this.o.checkpointIntervalMs ?? 5000)) return true;
    const position = this.o.positions.checkpointable();
    if (position === undefined) return true;
    this.lastCheckpointAt = this.now();
    if (await this.o.checkpoint(position)) return true;
    this.lost = true;
    return false;
  }

  /** Shard end: every finding acked, SHARD_END checkpointed (the horizon cannot hold a closed shard back). */
  private async finish(childShardIds: string[]): Promise<ShardOutcome> {
    // Closing may let the watermark advance and windows fire: before the flush, so those are acked too.
    this.goIdle();
    await this.o.flush();
    return (await this.o.finish(childShardIds)) ? 'shard_end' : 'lost';
  }

  private now(): number {
    return this.o.now ? this.o.now() : performance.now();
  }
}

function decodeData(record: _Record, origin: Origin, options: DecodeOptions): DecodedRecord {
  return decodeRecord(record.Data ?? new Uint8Array(), origin, options);
}

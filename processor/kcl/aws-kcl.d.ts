/**
 * Types for the parts of npm `aws-kcl` 2.3.2 (CommonJS, untyped) that shardwatch uses: the MultiLangDaemon
 * record-processor interface (KCL 2.x style, leaseLost/shardEnded) and `kcl(processor, in, out, err)`.
 */
declare module 'aws-kcl' {
  import type { Readable, Writable } from 'node:stream';

  namespace kcl {
    /** A Kinesis record as the daemon sends it (`JsonFriendlyRecord`); `data` is base64. */
    interface KclRecord {
      data: string;
      partitionKey: string;
      sequenceNumber: string;
      /** Index inside a KPL aggregate the daemon de-aggregated (0 otherwise). */
      subSequenceNumber?: number | null;
      approximateArrivalTimestamp?: number;
    }

    /** Reports the daemon's reply: `error` is the Java exception's simple name, e.g. `ShutdownException`. */
    type CheckpointCallback = (error: string | null | undefined, sequenceNumber?: string | null) => void;

    interface Checkpointer {
      /** `null` checkpoints the last record delivered (SHARD_END after shardEnded); one call in flight at a time. */
      checkpoint(sequenceNumber: string | null, callback: CheckpointCallback): void;
    }

    interface InitializeInput {
      shardId: string;
      sequenceNumber?: string | null;
      subSequenceNumber?: number | null;
    }

    interface ProcessRecordsInput {
      records: KclRecord[];
      millisBehindLatest?: number;
      checkpointer: Checkpointer;
    }

    interface CheckpointerInput {
      checkpointer: Checkpointer;
    }

    /** Every method must call `done` once, which sends the action's status to the daemon. */
    interface RecordProcessor {
      initialize(input: InitializeInput, done: () => void): void;
      processRecords(input: ProcessRecordsInput, done: () => void): void;
      leaseLost(input: Record<string, never>, done: () => void): void;
      shardEnded(input: CheckpointerInput, done: () => void): void;
      shutdownRequested(input: CheckpointerInput, done: () => void): void;
    }

    interface KclProcess {
      run(): void;
      cleanup(): void;
    }
  }

  /** Speaks the protocol over the given streams (default: stdin, stdout, stderr). */
  function kcl(
    processor: kcl.RecordProcessor,
    input?: Readable,
    output?: Writable,
    errors?: Writable,
  ): kcl.KclProcess;

  export = kcl;
}

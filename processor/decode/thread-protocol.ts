import type { Route } from '../../detections/api.js';
import type { DeadLetter } from './dead-letter.js';

/** What a decode thread is started with (its workerData). */
export interface DecodeThreadSetup {
  flowFormat?: string;
  maxRecordBytes?: number;
  /** The routes of the prefilter (detections and state cache); null decodes every record. */
  routes: readonly Route[] | null;
}

/** Main thread → decode thread. */
export type ToDecodeThread =
  | { kind: 'first'; request: number; files: readonly string[] }
  | { kind: 'decode'; id: number; file: string }
  /** The main thread took `count` batches of the file: as many more may be sent. */
  | { kind: 'credit'; id: number; count: number };

/**
 * A batch of a file on its way to the main thread: the records' texts, left to the main thread to parse
 * (V8 builds objects from JSON.parse several times faster than it copies them between threads), packed into
 * one string and typed arrays (one string copies far faster than thousands), with the skipped records and
 * dead letters in their places.
 */
export interface BatchMessage {
  kind: 'batch';
  id: number;
  /** The texts, one after another; `lengths` cuts them apart. */
  texts: string;
  lengths: Int32Array;
  /** Per text: its origin's offset (a line number or a byte offset), and its index (-1: none); the input is the file. */
  offsets: Float64Array;
  indexes: Int32Array;
  /** Per text: its flow format in `flowFormats`, or -1 for JSON. */
  formatIds: Int32Array;
  flowFormats: string[];
  /** The event ids of the flow lines, in order, FLOW_ID_LENGTH characters each (see flowLineId). */
  flowIds: string;
  deadLetters: DeadLetter[];
  deadLetterPositions: number[];
  ignored: number;
  skipped: number;
  skippedTimes: Float64Array;
}

/** Characters of a flow event id (stableId). */
export const FLOW_ID_LENGTH = 32;

/** Decode thread → main thread. */
export type FromDecodeThread =
  | { kind: 'first'; request: number; times: (number | null)[] }
  | BatchMessage
  | { kind: 'end'; id: number }
  /** A file (`id`) or a first-times request (`request`) failed: an I/O error, never bad input. */
  | { kind: 'error'; id?: number; request?: number; message: string };

/** Batches a decode thread may send ahead of the main thread, per file. */
export const BATCH_CREDITS = 8;
/**
 * The main thread gives credit back every this many batches: a message from the main thread to a busy decode
 * thread costs far more than one the other way, so credit goes back in bulk (at most BATCH_CREDITS).
 */
export const CREDIT_EVERY = 4;

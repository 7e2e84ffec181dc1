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
  /** The main thread took one batch of the file: one more may be sent. */
  | { kind: 'credit'; id: number };

/**
 * A batch of a file on its way to the main thread: the records' texts, left to the main thread to parse
 * (V8 builds objects from JSON.parse several times faster than it copies them between threads), packed
 * into arrays of strings and numbers, with the skipped records and dead letters in their places.
 */
export interface BatchMessage {
  kind: 'batch';
  id: number;
  texts: string[];
  /** Per text: its origin's offset, and its index (-1: none); the input is the file. */
  offsets: string[];
  indexes: Int32Array;
  /** Per text: its flow format in `flowFormats`, or -1 for JSON. */
  formatIds: Int32Array;
  flowFormats: string[];
  /** Per text: the event id of a flow line (computed here, see flowLineId), '' for JSON. */
  flowIds: string[];
  deadLetters: DeadLetter[];
  deadLetterPositions: number[];
  ignored: number;
  skipped: number;
  skippedTimes: Float64Array;
}

/** Decode thread → main thread. */
export type FromDecodeThread =
  | { kind: 'first'; request: number; times: (number | null)[] }
  | BatchMessage
  | { kind: 'end'; id: number }
  /** A file (`id`) or a first-times request (`request`) failed: an I/O error, never bad input. */
  | { kind: 'error'; id?: number; request?: number; message: string };

/** Batches a decode thread may send ahead of the main thread, per file. */
export const BATCH_CREDITS = 2;

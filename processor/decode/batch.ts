import type { SecurityEvent } from '../../schemas/types.js';
import { type DeadLetter, type DeadLetterReason, headOf, type Origin } from './dead-letter.js';

/**
 * Record texts a decode thread left for the pipeline's thread to parse (see undefer), in input order: the
 * text, where it came from, and for a flow-log line the text of its format (null for JSON).
 */
export interface DeferredRecords {
  texts: string[];
  origins: Origin[];
  flowFormats: (string | null)[];
}

/** What decoding a record, a batch of records or part of a file produced. */
export interface DecodeResult {
  events: SecurityEvent[];
  deadLetters: DeadLetter[];
  /** Records that carry no event by design (CloudWatch Logs CONTROL_MESSAGE, flow-log header lines). */
  ignored: number;
  /** Records dropped by the `wants` prefilter (most of them unparsed). */
  skipped: number;
  /**
   * Where the skipped records stood and their event times, as pairs: `skippedTimes[2k]` = how many records
   * (events, and deferred records) came before the k-th skipped record, `skippedTimes[2k + 1]` = its event
   * time. A replay moves the clock with them, so skipping a record never changes the watermark. Absent: no
   * times known.
   */
  skippedTimes?: ArrayLike<number>;
  /** With `deferred`: how many records came before each dead letter, so the order can be kept. */
  deadLetterPositions?: ArrayLike<number>;
  deferred?: DeferredRecords;
}

/**
 * Collects a decode's output; every decoder appends to one batch instead of merging arrays.
 *
 *   const batch = new DecodeBatch();
 *   batch.reject(origin, 'json_invalid', 'Unexpected end of JSON input', text);
 */
export class DecodeBatch implements DecodeResult {
  events: SecurityEvent[] = [];
  deadLetters: DeadLetter[] = [];
  ignored = 0;
  skipped = 0;
  skippedTimes: number[] = [];
  deadLetterPositions: number[] = [];
  deferred: DeferredRecords = { texts: [], origins: [], flowFormats: [] };

  /** Records decoded, dead-lettered, skipped or deferred so far: a file reader cuts batches by it. */
  get size(): number {
    return this.position + this.deadLetters.length + this.skipped;
  }

  /** A decoder's output: its event, or the event time of a record the prefilter skipped. */
  add(decoded: SecurityEvent | number): void {
    if (typeof decoded === 'number') this.skip(decoded);
    else this.events.push(decoded);
  }

  skip(time: number): void {
    this.skipped += 1;
    this.skippedTimes.push(this.position, time);
  }

  /** Leaves a record's text to be parsed by another thread (DecodeOptions.defer). */
  defer(text: string, origin: Origin, flowFormat: string | null): void {
    this.deferred.texts.push(text);
    this.deferred.origins.push(origin);
    this.deferred.flowFormats.push(flowFormat);
  }

  reject(origin: Origin, reason: DeadLetterReason, detail: string, record: Uint8Array | string): void {
    this.deadLetterPositions.push(this.position);
    this.deadLetters.push({ origin, reason, detail, head: headOf(record) });
  }

  /** Hands over what was collected and starts empty again. */
  take(): DecodeResult {
    const result: DecodeResult = {
      events: this.events,
      deadLetters: this.deadLetters,
      ignored: this.ignored,
      skipped: this.skipped,
      skippedTimes: this.skippedTimes,
    };
    if (this.deferred.texts.length > 0) {
      result.deferred = this.deferred;
      result.deadLetterPositions = this.deadLetterPositions;
      this.deferred = { texts: [], origins: [], flowFormats: [] };
    }
    this.events = [];
    this.deadLetters = [];
    this.ignored = 0;
    this.skipped = 0;
    this.skippedTimes = [];
    this.deadLetterPositions = [];
    return result;
  }

  /** Events and deferred records so far: where a skipped record or a dead letter stands among them. */
  private get position(): number {
    return this.events.length + this.deferred.texts.length;
  }
}

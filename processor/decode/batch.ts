import type { SecurityEvent } from '../../schemas/types.js';
import { type DeadLetter, type DeadLetterReason, headOf, type Origin } from './dead-letter.js';

/** What decoding a record, a batch of records or part of a file produced. */
export interface DecodeResult {
  events: SecurityEvent[];
  deadLetters: DeadLetter[];
  /** Records that carry no event by design (CloudWatch Logs CONTROL_MESSAGE, flow-log header lines). */
  ignored: number;
  /** Records dropped by the `wants` prefilter (most of them unparsed). */
  skipped: number;
  /**
   * Where the skipped records stood and their event times, as pairs: `skippedTimes[2k]` = how many of
   * `events` came before the k-th skipped record, `skippedTimes[2k + 1]` = its event time. A replay moves
   * the clock with them, so skipping a record never changes the watermark. Absent: no times known.
   */
  skippedTimes?: ArrayLike<number>;
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

  /** Records decoded, dead-lettered or skipped so far: a file reader cuts batches by it. */
  get size(): number {
    return this.events.length + this.deadLetters.length + this.skipped;
  }

  /** A decoder's output: its event, or the event time of a record the prefilter skipped. */
  add(decoded: SecurityEvent | number): void {
    if (typeof decoded === 'number') this.skip(decoded);
    else this.events.push(decoded);
  }

  skip(time: number): void {
    this.skipped += 1;
    this.skippedTimes.push(this.events.length, time);
  }

  reject(origin: Origin, reason: DeadLetterReason, detail: string, record: Uint8Array | string): void {
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
    this.events = [];
    this.deadLetters = [];
    this.ignored = 0;
    this.skipped = 0;
    this.skippedTimes = [];
    return result;
  }
}

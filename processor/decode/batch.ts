import type { SecurityEvent } from '../../schemas/types.js';
import { type DeadLetter, type DeadLetterReason, headOf, type Origin } from './dead-letter.js';

/** What decoding a record, a batch of records or part of a file produced. */
export interface DecodeResult {
  events: SecurityEvent[];
  deadLetters: DeadLetter[];
  /** Records that carry no event by design (CloudWatch Logs CONTROL_MESSAGE, flow-log header lines). */
  ignored: number;
  /** Records dropped unparsed by the `wants` prefilter. */
  skipped: number;
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

  /** Events plus dead letters so far: a file reader cuts batches by it. */
  get size(): number {
    return this.events.length + this.deadLetters.length;
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
    };
    this.events = [];
    this.deadLetters = [];
    this.ignored = 0;
    this.skipped = 0;
    return result;
  }
}

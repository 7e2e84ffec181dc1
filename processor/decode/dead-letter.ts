/** Where a record came from: enough to find it again in the input. */
export interface Origin {
  /** File path or shard id. */
  input: string;
  /** Byte offset, line number or sequence number. */
  offset: string;
  /** Position within a multi-event record (Records array, logEvents, KPL aggregate). */
  index?: number;
}

export type DeadLetterReason =
  | 'empty'
  | 'binary'
  | 'too_large'
  | 'gzip_truncated'
  | 'gzip_invalid'
  | 'json_invalid'
  | 'json_not_object'
  | 'unknown_format'
  | 'missing_field'
  | 'invalid_field'
  | 'timestamp_invalid'
  | 'flow_line_invalid'
  | 'flow_format_invalid'
  | 'kpl_invalid'
  | 'cwl_envelope_invalid';

export interface DeadLetter {
  origin: Origin;
  reason: DeadLetterReason;
  detail: string;
  /** Base64 of the first 256 bytes of the record. */
  head: string;
}

/** Bytes of a record kept in a dead letter's `head`. */
export const HEAD_BYTES = 256;

/**
 * Why one record cannot be decoded; thrown inside a record's decoder and turned into a dead letter
 * by the caller, so the rest of the batch goes on.
 *
 *   throw new DecodeError('missing_field', 'eventTime');
 */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  constructor(
    readonly reason: DeadLetterReason,
    readonly detail: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}

/**
 * Base64 of the first HEAD_BYTES bytes of a record given as bytes or text.
 *
 *   headOf('{"a":1}') // 'eyJhIjoxfQ=='
 */
export function headOf(record: Uint8Array | string): string {
  if (typeof record === 'string') {
    // A UTF-8 character is at most 4 bytes: this slice always covers HEAD_BYTES bytes.
    return Buffer.from(record.slice(0, HEAD_BYTES), 'utf8').subarray(0, HEAD_BYTES).toString('base64');
  }
  return Buffer.from(record.buffer, record.byteOffset, Math.min(record.byteLength, HEAD_BYTES)).toString(
    'base64',
  );
}

import { DecodeBatch, type DecodeResult } from './batch.js';
import { DecodeError, type Origin } from './dead-letter.js';
import { gunzipRecord, isGzip } from './gzip.js';
import { deaggregate, isKplAggregate } from './kpl.js';
import { type DecodeContext, type DecodeOptions, decodeContext } from './options.js';
import { decodeTextInto } from './text.js';

/** A CloudWatch Logs envelope may hold many log events: decompressed it may exceed the record limit this much. */
const GZIP_EXPANSION_LIMIT = 32;
// Control characters never occur unescaped in JSON text or in a flow line.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is how binary input is recognised.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000e-\u001f]/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The wrappers a record has been unwrapped from; each may occur once. */
interface Unwrapped {
  gzip: boolean;
  kpl: boolean;
}

/**
 * Decodes one Kinesis record or one line: gzip (CloudWatch Logs envelope), KPL aggregate, JSON of any
 * envelope, or a flow-log text line. Never throws for bad input: it becomes a dead letter.
 *
 *   const { events, deadLetters } = decodeRecord(record.Data, { input: shardId, offset: record.SequenceNumber });
 */
export function decodeRecord(data: Uint8Array, origin: Origin, options?: DecodeOptions): DecodeResult {
  const batch = new DecodeBatch();
  decodeBytesInto(data, origin, decodeContext(options), batch);
  return batch.take();
}

/**
 * decodeRecord's work, into a batch the caller owns (file reading shares one batch across lines).
 *
 *   decodeBytesInto(line, { input: path, offset: String(lineNumber) }, context, batch);
 */
export function decodeBytesInto(
  data: Uint8Array,
  origin: Origin,
  context: DecodeContext,
  batch: DecodeBatch,
  unwrapped: Unwrapped = { gzip: false, kpl: false },
): void {
  try {
    if (data.length === 0) throw new DecodeError('empty', 'no content');
    if (data.length > context.maxRecordBytes && !unwrapped.gzip) {
      throw new DecodeError('too_large', `${data.length} bytes, limit ${context.maxRecordBytes}`);
    }
    if (isGzip(data) && !unwrapped.gzip) {
      const inflated = gunzipRecord(data, context.maxRecordBytes * GZIP_EXPANSION_LIMIT);
      decodeBytesInto(inflated, origin, context, batch, { ...unwrapped, gzip: true });
    } else if (isKplAggregate(data)) {
      if (unwrapped.kpl) throw new DecodeError('kpl_invalid', 'aggregate nested in an aggregate');
      for (const [index, userRecord] of deaggregate(data).entries()) {
        decodeBytesInto(userRecord, { ...origin, index }, context, batch, { ...unwrapped, kpl: true });
      }
    } else {
      decodeTextInto(textOf(data), origin, context, batch);
    }
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    batch.reject(origin, error.reason, error.detail, data);
  }
}

function textOf(data: Uint8Array): string {
  let text: string;
  try {
    text = utf8.decode(data);
  } catch {
    throw new DecodeError('binary', 'not UTF-8 text');
  }
  // JSON.parse refuses control characters itself (as json_invalid); text lines (flow logs) need the test.
  if (!looksLikeJson(text) && CONTROL_CHARACTERS.test(text)) {
    throw new DecodeError('binary', 'control characters in text');
  }
  return text;
}

function looksLikeJson(text: string): boolean {
  const first = text.charCodeAt(0);
  return first === 0x7b /* { */ || first === 0x5b /* [ */;
}

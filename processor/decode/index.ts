import type { JsonValue } from '../../schemas/types.js';
import { DecodeBatch, type DecodeResult } from './batch.js';
import type { Origin } from './dead-letter.js';
import { decodeValueInto } from './json-record.js';
import { type DecodeOptions, decodeContext } from './options.js';

export type { DecodeResult } from './batch.js';
export type { DeadLetter, DeadLetterReason, Origin } from './dead-letter.js';
export { decodeFile } from './file.js';
export type { DecodeOptions } from './options.js';
export { decodeRecord } from './record.js';

/**
 * Decodes an already-parsed record of any JSON shape (CloudTrail record or log file, CloudWatch
 * Logs envelope, EventBridge event, GuardDuty finding, flow record in JSON form, or an array of them).
 *
 *   const { events, deadLetters } = decodeJson(JSON.parse(text), { input: 'fixture', offset: '0' });
 */
export function decodeJson(value: JsonValue, origin: Origin, options?: DecodeOptions): DecodeResult {
  const batch = new DecodeBatch();
  decodeValueInto(value, origin, decodeContext(options), batch);
  return batch.take();
}

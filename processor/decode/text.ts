import type { JsonValue } from '../../schemas/types.js';
import type { DecodeBatch } from './batch.js';
import { isCloudWatchLogsEnvelope } from './cloudwatch-logs.js';
import { DecodeError, type Origin } from './dead-letter.js';
import { isFlowHeader } from './flow-format.js';
import { decodeFlowLine } from './flowlog.js';
import { isJsonObject } from './json-access.js';
import { decodeValueInto } from './json-record.js';
import type { DecodeContext } from './options.js';
import { skippableTime } from './prefilter.js';

/**
 * Decodes one record given as text into the batch: JSON (any shape; CloudTrail records the
 * prefilter does not want are skipped before parsing) or a flow-log line (a header line is ignored).
 *
 *   decodeTextInto(logEvent.message, { ...origin, index: 3 }, context, batch);
 */
export function decodeTextInto(
  text: string,
  origin: Origin,
  context: DecodeContext,
  batch: DecodeBatch,
): void {
  const first = firstCharacter(text);
  if (first === '') {
    batch.reject(origin, 'empty', 'no content', text);
  } else if (first === '{' || first === '[' || first === '"') {
    decodeJsonText(text, origin, context, batch);
  } else {
    decodeFlowText(text, origin, context, batch);
  }
}

function decodeJsonText(text: string, origin: Origin, context: DecodeContext, batch: DecodeBatch): void {
  if (context.scanCloudTrail) {
    const skippedAt = skippableTime(text, context);
    if (skippedAt !== null) {
      batch.skip(skippedAt);
      return;
    }
  }
  // A decode thread unwraps CloudWatch Logs messages (each is then prefiltered) and leaves the rest.
  if (context.defer && !text.includes('"logEvents"')) {
    batch.defer(text, origin, null);
    return;
  }
  let value: JsonValue;
  try {
    value = JSON.parse(text) as JsonValue;
  } catch (error) {
    batch.reject(origin, 'json_invalid', (error as Error).message, text);
    return;
  }
  if (context.defer && !(isJsonObject(value) && isCloudWatchLogsEnvelope(value))) {
    batch.defer(text, origin, null);
    return;
  }
  decodeValueInto(value, origin, context, batch, text);
}

function decodeFlowText(line: string, origin: Origin, context: DecodeContext, batch: DecodeBatch): void {
  const format = context.flowFormat;
  try {
    if (format instanceof DecodeError) throw format;
    // A header line is field names; a data line starts with its version number.
    if (!isDigit(line.charCodeAt(0)) && isFlowHeader(line)) {
      batch.ignored += 1;
      return;
    }
    if (context.defer) batch.defer(line, origin, format.text);
    else batch.add(decodeFlowLine(line, format, context));
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    batch.reject(origin, error.reason, error.detail, line);
  }
}

function firstCharacter(text: string): string {
  for (let index = 0; index < text.length; index += 1) {
    const character = text.charAt(index);
    if (character !== ' ' && character !== '\t' && character !== '\n' && character !== '\r') return character;
  }
  return '';
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

import type { JsonValue } from '../../schemas/types.js';
import type { DecodeBatch } from './batch.js';
import { DecodeError, type Origin } from './dead-letter.js';
import { isFlowHeader } from './flow-format.js';
import { decodeFlowLine } from './flowlog.js';
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
  let value: JsonValue;
  try {
    value = JSON.parse(text) as JsonValue;
  } catch (error) {
    batch.reject(origin, 'json_invalid', (error as Error).message, text);
    return;
  }
  decodeValueInto(value, origin, context, batch, text);
}

function decodeFlowText(line: string, origin: Origin, context: DecodeContext, batch: DecodeBatch): void {
  const format = context.flowFormat;
  try {
    if (format instanceof DecodeError) throw format;
    if (isFlowHeader(line)) {
      batch.ignored += 1;
      return;
    }
    batch.add(decodeFlowLine(line, format, context));
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

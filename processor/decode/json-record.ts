import type { JsonObject, JsonValue, SecurityEvent } from '../../schemas/types.js';
import type { DecodeBatch } from './batch.js';
import { decodeCloudTrail, isCloudTrailRecord } from './cloudtrail.js';
import { decodeCloudWatchLogs, isCloudWatchLogsEnvelope } from './cloudwatch-logs.js';
import { DecodeError, type Origin } from './dead-letter.js';
import { decodeEventBridge, isEventBridgeEvent } from './eventbridge.js';
import { decodeFlowObject, isFlowObject } from './flow-json.js';
import { decodeGuardDuty, isGuardDutyFinding } from './guardduty.js';
import { arrayField, isJsonObject } from './json-access.js';
import { jsonHead } from './json-head.js';
import type { DecodeContext } from './options.js';
import { decodeTextInto } from './text.js';

/**
 * Decodes a parsed record of any JSON shape into the batch: an array of records, a `{"Records": [...]}`
 * log file, a CloudWatch Logs envelope, an EventBridge event, a CloudTrail record, a GuardDuty finding
 * or a flow record in JSON form. `text` is the record's source, for dead-letter heads.
 *
 *   decodeValueInto(JSON.parse(line), { input: 'file.jsonl', offset: '7' }, context, batch, line);
 */
export function decodeValueInto(
  value: JsonValue,
  origin: Origin,
  context: DecodeContext,
  batch: DecodeBatch,
  text?: string,
): void {
  if (Array.isArray(value)) {
    // One level only: an array of arrays is not unwrapped further, so nesting cannot recurse.
    value.forEach((element, index) => {
      decodeObjectInto(element, { ...origin, index }, context, batch);
    });
    return;
  }
  decodeObjectInto(value, origin, context, batch, text);
}

function decodeObjectInto(
  value: JsonValue,
  origin: Origin,
  context: DecodeContext,
  batch: DecodeBatch,
  text?: string,
): void {
  try {
    if (!isJsonObject(value))
      throw new DecodeError('json_not_object', `a record must be an object, not ${kindOf(value)}`);
    const records = arrayField(value, 'Records');
    if (records !== null) {
      records.forEach((record, index) => {
        decodeSingleInto(record, { ...origin, index }, context, batch);
      });
    } else if (isCloudWatchLogsEnvelope(value)) {
      decodeCloudWatchLogs(value, origin, batch, (message, at) =>
        decodeTextInto(message, at, context, batch),
      );
    } else {
      batch.add(decodeSingle(value, context));
    }
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    batch.reject(origin, error.reason, error.detail, text ?? jsonHead(value));
  }
}

/** One record that carries one event, never a container. */
function decodeSingleInto(
  value: JsonValue,
  origin: Origin,
  context: DecodeContext,
  batch: DecodeBatch,
): void {
  try {
    if (!isJsonObject(value))
      throw new DecodeError('json_not_object', `a record must be an object, not ${kindOf(value)}`);
    batch.add(decodeSingle(value, context));
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    batch.reject(origin, error.reason, error.detail, jsonHead(value));
  }
}

/** The record's event, or the event time of a record the prefilter skipped. */
function decodeSingle(record: JsonObject, context: DecodeContext): SecurityEvent | number {
  if (isEventBridgeEvent(record)) return decodeEventBridge(record, context);
  if (isCloudTrailRecord(record)) return decodeCloudTrail(record, context);
  if (isGuardDutyFinding(record)) return decodeGuardDuty(record, context);
  if (isFlowObject(record)) return decodeFlowObject(record, context);
  throw new DecodeError('unknown_format', 'not CloudTrail, GuardDuty, a flow record or a known envelope');
}

function kindOf(value: JsonValue): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

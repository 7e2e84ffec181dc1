import type { JsonObject } from '../../schemas/types.js';
import type { DecodeBatch } from './batch.js';
import { DecodeError, type Origin } from './dead-letter.js';
import { arrayField, isJsonObject, ownField, stringField } from './json-access.js';
import { jsonHead } from './json-head.js';

/** Whether a JSON object is a CloudWatch Logs subscription envelope. */
export function isCloudWatchLogsEnvelope(record: JsonObject): boolean {
  return Object.hasOwn(record, 'messageType') && Object.hasOwn(record, 'logEvents');
}

/**
 * Unwraps a CloudWatch Logs subscription envelope: each DATA_MESSAGE log event's message (a
 * CloudTrail record as JSON text, or a flow-log line) goes to `decodeMessage` with its index;
 * a CONTROL_MESSAGE counts as ignored. Throws DecodeError('cwl_envelope_invalid') for a bad envelope.
 *
 *   decodeCloudWatchLogs(envelope, origin, batch, (message, at) => decodeText(message, at, context, batch));
 */
export function decodeCloudWatchLogs(
  envelope: JsonObject,
  origin: Origin,
  batch: DecodeBatch,
  decodeMessage: (message: string, origin: Origin) => void,
): void {
  const messageType = stringField(envelope, 'messageType');
  if (messageType === 'CONTROL_MESSAGE') {
    batch.ignored += 1;
    return;
  }
  if (messageType !== 'DATA_MESSAGE') {
    throw new DecodeError(
      'cwl_envelope_invalid',
      `messageType ${JSON.stringify(ownField(envelope, 'messageType'))}`,
    );
  }
  const logEvents = arrayField(envelope, 'logEvents');
  if (logEvents === null) throw new DecodeError('cwl_envelope_invalid', 'logEvents must be an array');
  logEvents.forEach((logEvent, index) => {
    const message = isJsonObject(logEvent) ? stringField(logEvent, 'message') : null;
    if (message === null) {
      batch.reject(
        { ...origin, index },
        'cwl_envelope_invalid',
        `logEvents[${index}].message must be a string`,
        jsonHead(logEvent),
      );
    } else {
      decodeMessage(message, { ...origin, index });
    }
  });
}

import type { JsonObject, SecurityEvent } from '../../schemas/types.js';
import { decodeCloudTrail, isCloudTrailRecord } from './cloudtrail.js';
import { DecodeError } from './dead-letter.js';
import { decodeGuardDuty } from './guardduty.js';
import { objectField, stringField } from './json-access.js';
import type { DecodeContext } from './options.js';

/** Whether a JSON object is an EventBridge event (`detail-type`, `source`, `detail`). */
export function isEventBridgeEvent(record: JsonObject): boolean {
  return Object.hasOwn(record, 'detail-type') && Object.hasOwn(record, 'detail');
}

/**
 * Unwraps an EventBridge event: any whose detail is a CloudTrail record ("AWS API Call via
 * CloudTrail", "AWS Console Sign In via CloudTrail", ...) or a "GuardDuty Finding". `raw` is the
 * detail, as if the record had arrived on its own.
 *
 *   decodeEventBridge(event, decodeContext())?.action // 'ec2:RunInstances'
 */
export function decodeEventBridge(event: JsonObject, context: DecodeContext): SecurityEvent | number {
  const detail = objectField(event, 'detail');
  if (detail === null) throw new DecodeError('invalid_field', 'detail must be an object');
  if (isCloudTrailRecord(detail)) return decodeCloudTrail(detail, context);
  const source = stringField(event, 'source');
  const detailType = stringField(event, 'detail-type');
  if (source === 'aws.guardduty' || detailType === 'GuardDuty Finding') {
    return decodeGuardDuty(detail, context, event);
  }
  throw new DecodeError('unknown_format', `EventBridge '${detailType}' from '${source}'`);
}

import type { DetectionMeta } from '../../../detections/api.js';
import type { SecurityEvent } from '../../../schemas/types.js';

/** Kinesis partition keys are 1–256 Unicode characters. */
const MAX_PARTITION_KEY_CHARS = 256;
const NO_KEY = 'none';

/**
 * The keyed-stream partition key of an event for a stateful detection: its `stateful.partitionKey`, else the
 * account; an empty key becomes `none` and a long one is cut to Kinesis's 256 characters; null when the
 * detection ignores the event. Ingest publishes under this key and detect feeds a copy only to the detections
 * whose key it carries, so both sides must agree.
 *
 *   partitionKeyOf(bruteForce, event); // '111122223333'
 *   partitionKeyOf(passwordSpraying, event); // '203.0.113.7'
 *   partitionKeyOf(credentialUse, consoleLoginOfAlice); // null: not an instance's credentials
 */
export function partitionKeyOf(
  detection: Pick<DetectionMeta, 'stateful'>,
  event: SecurityEvent,
): string | null {
  const own = detection.stateful?.partitionKey;
  const key = own ? own(event) : event.account;
  if (own && key === null) return null;
  return normalisePartitionKey(key);
}

/**
 * A key Kinesis accepts, for events published only so the detect side's state cache learns from them.
 *
 *   normalisePartitionKey(''); // 'none'
 */
export function normalisePartitionKey(key: string | null): string {
  if (!key) return NO_KEY;
  return [...key].slice(0, MAX_PARTITION_KEY_CHARS).join('');
}

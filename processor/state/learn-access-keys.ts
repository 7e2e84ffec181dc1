import type { SecurityEvent } from '../../schemas/types.js';
import type { FactStore } from './fact-store.js';
import { field, text } from './record-fields.js';

/** iam:CreateAccessKey: the new key belongs to the named user, or to the caller when no user is named. */
export function learnCreateAccessKey(store: FactStore, event: SecurityEvent): void {
  const accessKey = field(event.raw, 'responseElements', 'accessKey');
  const accessKeyId = text(field(accessKey, 'accessKeyId'));
  const principal =
    text(field(accessKey, 'userName')) ??
    text(field(event.raw, 'requestParameters', 'userName')) ??
    event.principal?.arn ??
    event.principal?.name ??
    null;
  if (accessKeyId !== null && principal !== null) {
    store.set('key', accessKeyId, { accessKeyId, principal, account: event.account });
  }
}

/**
 * Any event signed with an access key tells whose key it is. Only absent keys are stored: this runs
 * for every event, and re-setting a known key would cost a size calculation each time.
 */
export function learnSigningKey(store: FactStore, event: SecurityEvent): void {
  const accessKeyId = event.principal?.accessKeyId;
  const principal = event.principal?.arn ?? event.principal?.name;
  if (!accessKeyId || !principal || store.has('key', accessKeyId)) return;
  store.set('key', accessKeyId, {
    accessKeyId,
    principal,
    account: event.principal?.account ?? event.account,
  });
}

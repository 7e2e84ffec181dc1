import type { SecurityEvent } from '../../../schemas/types.js';

/**
 * The user name CloudTrail writes for a failed sign-in to a user that does not exist, so that failures
 * do not reveal which names are real.
 */
export const HIDDEN_USER_NAME = 'HIDDEN_DUE_TO_SECURITY_REASONS';

/**
 * Whether a CloudTrail record is a failed console sign-in (`responseElements.ConsoleLogin` = `Failure`;
 * CloudTrail sets errorMessage, not errorCode, on these).
 *
 *   events.pipe(filter(isFailedConsoleLogin));
 */
export function isFailedConsoleLogin(event: SecurityEvent): boolean {
  if (event.action !== 'signin:ConsoleLogin') return false;
  const raw = event.raw;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return false;
  const response = raw.responseElements;
  if (response === null || typeof response !== 'object' || Array.isArray(response)) return false;
  return response.ConsoleLogin === 'Failure';
}

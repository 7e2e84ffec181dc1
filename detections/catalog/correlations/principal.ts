import type { SecurityEvent } from '../../../schemas/types.js';
import { at, field, text } from '../cloudtrail/record.js';

/** Console sessions: the session attribute, or the console's own user agents for older records. */
const CONSOLE_AGENT = /^(signin|console)\.amazonaws\.com$|^AWS Internal$/;

/**
 * The stable unique id of who acted: an IAM user's `AIDA…`, a role's `AROA…` (the part of `principalId`
 * before the session name), the account for root. From CloudTrail's `userIdentity.principalId`, or a
 * GuardDuty finding's `accessKeyDetails.principalId`. Null for AWS services and unknown callers.
 *
 *   principalUniqueId(callByRoleSession) // 'AROAQX7L2M4N6P8RENGIN'
 */
export function principalUniqueId(event: SecurityEvent): string | null {
  if (event.source === 'guardduty') {
    const id = text(at(event.raw, 'resource', 'accessKeyDetails', 'principalId'));
    return id === null ? null : (id.split(':')[0] ?? null) || null;
  }
  if (event.source !== 'cloudtrail') return null;
  const type = text(field(event, 'userIdentity', 'type'));
  if (type === 'Root') return event.account;
  if (type === 'AWSService' || type === 'AWSAccount') return null;
  const id = text(field(event, 'userIdentity', 'principalId'));
  return id === null ? null : (id.split(':')[0] ?? null) || null;
}

/**
 * The keyed-stream partition key every principal-keyed correlation shares (`account/uniqueId`), so ingest
 * publishes a call once for all of them, and each principal's calls and findings meet in one detect task.
 */
export function principalPartition(event: SecurityEvent): string | null {
  const id = principalUniqueId(event);
  return id === null ? null : `${event.account ?? 'unknown'}/${id}`;
}

/** A call AWS made by itself or on someone's behalf (service principals, service-linked roles, `invokedBy`). */
export function isAwsServiceCall(event: SecurityEvent): boolean {
  if (event.principal?.type === 'AWSService') return true;
  if (text(field(event, 'userIdentity', 'invokedBy')) !== null) return true;
  if (/\/AWSServiceRoleFor|:assumed-role\/aws-service-role\//.test(event.principal?.arn ?? '')) return true;
  return (text(field(event, 'sourceIPAddress')) ?? '').endsWith('.amazonaws.com');
}

/** A call made from the AWS Management Console (a person clicking, not a script). */
export function fromConsole(event: SecurityEvent): boolean {
  const attribute = text(field(event, 'sessionCredentialFromConsole'));
  return attribute === 'true' || CONSOLE_AGENT.test(event.userAgent ?? '');
}

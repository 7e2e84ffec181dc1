import type { SecurityEvent } from '../../../schemas/types.js';
import { lastPathSegment } from './instance-launch.js';
import { request, response, text } from './record.js';

/**
 * The IAM user a credential call (CreateAccessKey, CreateLoginProfile, UpdateLoginProfile...) acts on:
 * `requestParameters.userName`, else the user the response names; null when the call names no user, which
 * IAM reads as "the caller itself".
 *
 *   targetUserName(createAccessKeyFor('bob')) // 'bob'
 */
export function targetUserName(event: SecurityEvent): string | null {
  return (
    text(request(event, 'userName')) ??
    text(response(event, 'accessKey', 'userName')) ??
    text(response(event, 'loginProfile', 'userName'))
  );
}

/**
 * Whether a credential call acts on the caller's own IAM user (self-service): the call names no user, or
 * the caller is the IAM user it names. The caller's name is read from its ARN (`user/<path>/<name>`), the
 * identity CloudTrail vouches for, falling back to `userName`. Roles, root and federated sessions acting on
 * a named user act on another identity.
 *
 *   actsOnOwnUser(aliceCreatesKeyFor('alice')) // true
 *   actsOnOwnUser(aliceCreatesKeyFor('bob'))   // false
 */
export function actsOnOwnUser(event: SecurityEvent): boolean {
  const target = targetUserName(event);
  if (target === null) return true;
  if (event.principal?.type !== 'IAMUser') return false;
  const arn = event.principal.arn;
  const caller = arn?.includes(':user/') ? lastPathSegment(arn) : event.principal.name;
  return caller === target;
}

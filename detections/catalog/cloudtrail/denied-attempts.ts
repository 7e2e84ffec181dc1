import type { SecurityEvent } from '../../../schemas/types.js';
import type { RuleMatch } from './rule.js';

// AccessDenied, AccessDeniedException, UnauthorizedOperation, Client.UnauthorizedOperation,
// UnauthorizedAccess, AuthorizationError, NotAuthorized, Forbidden...
const PERMISSION_ERROR = /AccessDenied|Unauthori[sz]ed|NotAuthorized|AuthorizationError|Forbidden/i;

/**
 * Whether AWS refused the call for lack of permission: someone tried something their identity may not do.
 * Validation and not-found errors are not such refusals.
 *
 *   refusedForPermissions('Client.UnauthorizedOperation') // true
 *   refusedForPermissions('NoSuchDeliveryChannelException') // false
 */
export function refusedForPermissions(errorCode: string | null): boolean {
  return errorCode !== null && PERMISSION_ERROR.test(errorCode);
}

/**
 * A `match` for a `failedCalls: 'counted'` rule that sees calls that took effect and calls refused for lack of
 * permission (an attempt worth a finding), but not calls that failed otherwise (a trail that did not exist, a
 * bad parameter): those changed nothing and show no intent.
 *
 *   match: successOrDenied((event) => ({ key: ..., title: ..., description: ... }))
 */
export function successOrDenied<S>(
  match: (event: SecurityEvent, settings: S) => RuleMatch | readonly RuleMatch[] | null,
): (event: SecurityEvent, settings: S) => RuleMatch | readonly RuleMatch[] | null {
  return (event, settings) =>
    event.errorCode === null || refusedForPermissions(event.errorCode) ? match(event, settings) : null;
}

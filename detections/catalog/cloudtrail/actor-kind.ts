import type { SecurityEvent } from '../../../schemas/types.js';
import { globMatcher } from './glob.js';
import { field, text } from './record.js';

/**
 * Who is behind a CloudTrail call, as far as the record tells:
 * - `person`: root, IAM users, federated users, IAM Identity Center users and their `AWSReservedSSO_*` role
 *   sessions, console sessions (`sessionCredentialFromConsole`), and role sessions named after an e-mail
 *   address (SAML/OIDC federation names the session after the user);
 * - `service`: AWS acting on its own or on someone's behalf (`AWSService`, `invokedBy`, service-linked roles);
 * - `role`: any other role session, usually automation (a pipeline, a workload);
 * - `unknown`: no identity in the record.
 *
 *   actorKind(event) // 'person' for arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_ab12/erin
 */
export type ActorKind = 'person' | 'role' | 'service' | 'unknown';

const PERSON_TYPES = new Set(['Root', 'IAMUser', 'FederatedUser', 'IdentityCenterUser']);

export function actorKind(event: SecurityEvent): ActorKind {
  const principal = event.principal;
  if (principal === null) return 'unknown';
  if (principal.type === 'AWSService' || text(field(event, 'userIdentity', 'invokedBy')) !== null) {
    return 'service';
  }
  if (principal.type !== null && PERSON_TYPES.has(principal.type)) return 'person';
  if (principal.type !== 'AssumedRole') return principal.type === null ? 'unknown' : 'role';
  const role = roleArnOf(event) ?? '';
  if (/:role\/aws-service-role\//.test(role) || /\/AWSServiceRoleFor/.test(role)) return 'service';
  if (/\/aws-reserved\/sso\.amazonaws\.com\//.test(role) || /:role\/AWSReservedSSO_/.test(role)) {
    return 'person';
  }
  if (/(^|\/)AWSReservedSSO_/.test(principal.arn?.split(':assumed-role/')[1] ?? '')) return 'person';
  if (text(field(event, 'sessionCredentialFromConsole')) === 'true') return 'person';
  return (principal.name ?? '').includes('@') ? 'person' : 'role';
}

/**
 * The role ARN behind an assumed-role session: the session issuer, or the role rebuilt from the session ARN
 * when the record has no session context (trimmed exports).
 *
 *   roleArnOf(event) // 'arn:aws:iam::111122223333:role/github-actions-deploy'
 */
export function roleArnOf(event: SecurityEvent): string | null {
  if (event.principal?.sessionIssuer) return event.principal.sessionIssuer;
  const match = /^arn:(aws[\w-]*):sts::(\d{12}):assumed-role\/([^/]+)\//.exec(event.principal?.arn ?? '');
  return match ? `arn:${match[1]}:iam::${match[2]}:role/${match[3]}` : null;
}

/**
 * Whether a call was made by a person, or by a role session outside `automationRoles` (globs on the role ARN):
 * the calls a change-control detection reports. Service calls never count.
 *
 *   const byPerson = outsideAutomation(['*']);   // every non-person role is automation
 *   byPerson(event)                              // true for an IAM user, false for a pipeline role
 */
export function outsideAutomation(automationRoles: readonly string[]): (event: SecurityEvent) => boolean {
  const automation = globMatcher(automationRoles);
  return (event) => {
    const kind = actorKind(event);
    if (kind === 'person') return true;
    if (kind !== 'role') return false;
    return !automation.test(roleArnOf(event) ?? event.principal?.arn ?? '');
  };
}

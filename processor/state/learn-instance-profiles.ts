import type { SecurityEvent } from '../../schemas/types.js';
import type { FactStore } from './fact-store.js';
import { accountScoped, field, text } from './record-fields.js';
import type { StoredInstanceProfile } from './stored-facts.js';

/**
 * iam:CreateInstanceProfile: a fresh profile without roles. A stub left by an AddRoleToInstanceProfile
 * that arrived first (out of order, within lateness) keeps its roles.
 */
export function learnCreateInstanceProfile(store: FactStore, event: SecurityEvent): void {
  const name = profileName(event);
  if (name === null) return;
  const arn = text(field(event.raw, 'responseElements', 'instanceProfile', 'arn'));
  const id = accountScoped(event.account, name);
  const stub = store.get('profile', id);
  store.set('profile', id, {
    name,
    arn,
    account: event.account,
    roles: stub && stub.arn === null ? stub.roles : [],
  });
}

/** iam:DeleteInstanceProfile. */
export function learnDeleteInstanceProfile(store: FactStore, event: SecurityEvent): void {
  const name = profileName(event);
  if (name !== null) store.delete('profile', accountScoped(event.account, name));
}

/** iam:AddRoleToInstanceProfile: a profile first seen here gets a stub (arn unknown). */
export function learnAddRoleToInstanceProfile(store: FactStore, event: SecurityEvent): void {
  const name = profileName(event);
  const role = text(field(event.raw, 'requestParameters', 'roleName'));
  if (name === null || role === null) return;
  const id = accountScoped(event.account, name);
  const known: StoredInstanceProfile = store.get('profile', id) ?? {
    name,
    arn: null,
    account: event.account,
    roles: [],
  };
  if (!known.roles.includes(role)) store.set('profile', id, { ...known, roles: [...known.roles, role] });
}

/** iam:RemoveRoleFromInstanceProfile. */
export function learnRemoveRoleFromInstanceProfile(store: FactStore, event: SecurityEvent): void {
  const name = profileName(event);
  const role = text(field(event.raw, 'requestParameters', 'roleName'));
  const id = name === null ? null : accountScoped(event.account, name);
  const known = id === null ? undefined : store.get('profile', id);
  if (id === null || !known) return;
  store.set('profile', id, { ...known, roles: known.roles.filter((member) => member !== role) });
}

function profileName(event: SecurityEvent): string | null {
  return text(field(event.raw, 'requestParameters', 'instanceProfileName'));
}

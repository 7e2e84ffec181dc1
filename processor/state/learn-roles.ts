import type { SecurityEvent } from '../../schemas/types.js';
import { isAdminPolicyDocument } from './admin-policy.js';
import type { FactStore } from './fact-store.js';
import { accountScoped, field, text } from './record-fields.js';
import type { StoredRole } from './stored-facts.js';

const ADMIN_MANAGED_POLICY_SUFFIX = ':policy/AdministratorAccess';

/**
 * iam:CreateRole: a fresh role without policies. A stub left by an AttachRolePolicy that arrived first
 * (out of order, within lateness) keeps what it learned, so arrival order does not change the facts.
 */
export function learnCreateRole(store: FactStore, event: SecurityEvent): void {
  const name = roleName(event);
  if (name === null) return;
  const arn = text(field(event.raw, 'responseElements', 'role', 'arn'));
  const id = accountScoped(event.account, name);
  const stub = store.get('role', id);
  if (stub && stub.fact.arn === null) {
    store.set('role', id, { ...stub, fact: { ...stub.fact, arn } });
    return;
  }
  store.set('role', id, {
    fact: { name, arn, account: event.account, policies: [], admin: false },
    adminInline: [],
  });
}

/** iam:DeleteRole. */
export function learnDeleteRole(store: FactStore, event: SecurityEvent): void {
  const name = roleName(event);
  if (name !== null) store.delete('role', accountScoped(event.account, name));
}

/** iam:AttachRolePolicy: a role first seen here gets a stub (arn unknown). */
export function learnAttachRolePolicy(store: FactStore, event: SecurityEvent): void {
  const policyArn = text(field(event.raw, 'requestParameters', 'policyArn'));
  if (policyArn !== null) updateRole(store, event, (role) => withPolicy(role, policyArn, false));
}

/** iam:DetachRolePolicy. */
export function learnDetachRolePolicy(store: FactStore, event: SecurityEvent): void {
  const policyArn = text(field(event.raw, 'requestParameters', 'policyArn'));
  if (policyArn !== null) updateKnownRole(store, event, (role) => withoutPolicy(role, policyArn));
}

/** iam:PutRolePolicy: the inline policy is admin when it allows `*` on `*`. */
export function learnPutRolePolicy(store: FactStore, event: SecurityEvent): void {
  const request = field(event.raw, 'requestParameters');
  const policyName = text(field(request, 'policyName'));
  if (policyName === null) return;
  const admin = isAdminPolicyDocument(field(request, 'policyDocument'));
  updateRole(store, event, (role) => withPolicy(withoutPolicy(role, policyName), policyName, admin));
}

/** iam:DeleteRolePolicy. */
export function learnDeleteRolePolicy(store: FactStore, event: SecurityEvent): void {
  const policyName = text(field(event.raw, 'requestParameters', 'policyName'));
  if (policyName !== null) updateKnownRole(store, event, (role) => withoutPolicy(role, policyName));
}

function roleName(event: SecurityEvent): string | null {
  return text(field(event.raw, 'requestParameters', 'roleName'));
}

function updateRole(store: FactStore, event: SecurityEvent, change: (role: StoredRole) => StoredRole): void {
  const name = roleName(event);
  if (name === null) return;
  const id = accountScoped(event.account, name);
  const known: StoredRole = store.get('role', id) ?? {
    fact: { name, arn: null, account: event.account, policies: [], admin: false },
    adminInline: [],
  };
  store.set('role', id, change(known));
}

function updateKnownRole(
  store: FactStore,
  event: SecurityEvent,
  change: (role: StoredRole) => StoredRole,
): void {
  const name = roleName(event);
  const id = name === null ? null : accountScoped(event.account, name);
  const known = id === null ? undefined : store.get('role', id);
  if (id !== null && known) store.set('role', id, change(known));
}

function withPolicy(role: StoredRole, policy: string, adminInline: boolean): StoredRole {
  const policies = role.fact.policies.includes(policy) ? role.fact.policies : [...role.fact.policies, policy];
  return withAdmin(role, policies, adminInline ? [...role.adminInline, policy] : role.adminInline);
}

function withoutPolicy(role: StoredRole, policy: string): StoredRole {
  return withAdmin(
    role,
    role.fact.policies.filter((name) => name !== policy),
    role.adminInline.filter((name) => name !== policy),
  );
}

function withAdmin(role: StoredRole, policies: string[], adminInline: string[]): StoredRole {
  const admin =
    adminInline.length > 0 || policies.some((policy) => policy.endsWith(ADMIN_MANAGED_POLICY_SUFFIX));
  return { fact: { ...role.fact, policies, admin }, adminInline };
}

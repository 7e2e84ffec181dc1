import { allowsEverything } from './policy-document.js';

/**
 * AWS managed policies that make their holder an administrator: AdministratorAccess, and IAMFullAccess,
 * with which the holder can attach AdministratorAccess to itself. Matched on the policy name in any
 * partition (`arn:aws:iam::aws:policy/...`, `arn:aws-us-gov:...`).
 */
const ADMIN_MANAGED_POLICY = /^arn:aws[\w-]*:iam::aws:policy\/(?:AdministratorAccess|IAMFullAccess)$/;

/**
 * Whether a managed policy ARN grants administrator access: an AWS admin-equivalent policy, or a customer
 * policy the detection's params name (`adminPolicies` globs, as a RegExp from globMatcher).
 *
 *   isAdminPolicyArn('arn:aws:iam::aws:policy/AdministratorAccess', /(?!)/) // true
 *   isAdminPolicyArn('arn:aws:iam::aws:policy/ReadOnlyAccess', /(?!)/)      // false
 */
export function isAdminPolicyArn(policyArn: string, customAdmin: RegExp): boolean {
  return ADMIN_MANAGED_POLICY.test(policyArn) || customAdmin.test(policyArn);
}

/**
 * Whether an inline policy document (a JSON string as CloudTrail records it, URL-encoded or not) allows
 * every action on every resource.
 */
export function isAdminPolicyDocument(document: string | null): boolean {
  return document !== null && allowsEverything(document);
}

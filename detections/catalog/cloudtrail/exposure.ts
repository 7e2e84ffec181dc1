import type { SecurityEvent } from '../../../schemas/types.js';
import { principalAccount } from './policy-document.js';
import { actor, type RuleMatch } from './rule.js';

/** Who a sharing or access change lets in from outside the resource's own account. */
export interface Exposure {
  /** Anyone at all: `all` groups, `*` principals, the AllUsers ACL group. */
  public: boolean;
  /** Other AWS accounts (ids, or the principal ARNs the grant names), outside the trusted ones; sorted. */
  outside: string[];
}

export const NO_EXPOSURE: Exposure = { public: false, outside: [] };

/**
 * The exposure of a list of grantees as sharing APIs write them: `all` (the public), account ids, principal
 * ARNs. Grantees in the own account or a trusted one are left out; other values (bob, org ARNs) are ignored.
 *
 *   accountExposure(['all', '999988887777', '111122223333'], '111122223333', [])
 *   // { public: true, outside: ['999988887777'] }
 */
export function accountExposure(
  grantees: readonly string[],
  ownAccount: string | null,
  trusted: readonly string[],
): Exposure {
  const outside = new Set<string>();
  let isPublic = false;
  for (const grantee of grantees) {
    const value = grantee.trim();
    if (value.toLowerCase() === 'all' || value === '*') {
      isPublic = true;
      continue;
    }
    const account = principalAccount(value);
    if (account !== null && account !== ownAccount && !trusted.includes(account)) outside.add(value);
  }
  return { public: isPublic, outside: [...outside].sort() };
}

/** Both exposures together. */
export function mergeExposures(...exposures: readonly Exposure[]): Exposure {
  return {
    public: exposures.some((exposure) => exposure.public),
    outside: [...new Set(exposures.flatMap((exposure) => exposure.outside))].sort(),
  };
}

/** The resource a finding is about, as titles name it. */
export interface ExposedResource {
  /** e.g. `AMI ami-0b87ea1d007078d18`, `S3 bucket logs-prod`. */
  label: string;
  /** CloudFormation-style type, e.g. `AWS::EC2::Image`. */
  type: string;
  /** ARN where known, else the resource's own id. */
  id: string;
  /** How it was opened, e.g. `launch permission`, `bucket policy`. */
  through: string;
}

/**
 * The finding for a change that exposes a resource: critical when it goes public, high when it goes to
 * other accounts; null when it exposes nothing.
 *
 *   exposureMatch(event, { label: 'AMI ami-1', type: 'AWS::EC2::Image', id: 'ami-1', through: 'launch permission' },
 *     { public: true, outside: [] })?.title // 'AMI ami-1 made public by arn:aws:iam::111122223333:user/alice'
 */
export function exposureMatch(
  event: SecurityEvent,
  resource: ExposedResource,
  exposure: Exposure,
): RuleMatch | null {
  if (!exposure.public && exposure.outside.length === 0) return null;
  const who = actor(event);
  const accounts = exposure.outside.join(', ');
  const audience = exposure.public
    ? `made public${accounts ? ` and shared with ${accounts}` : ''}`
    : `shared with ${recipients(exposure.outside)}`;
  return {
    key: `${event.account}:${resource.id}`,
    title: `${resource.label} ${audience} by ${who}`,
    description:
      `${who} changed the ${resource.through} of ${resource.label} in account ${event.account ?? 'unknown'}: ` +
      `it is now ${exposure.public ? 'readable by anyone' : `open to ${accounts}`}. Data that leaves through a ` +
      'share is copied outside your control in minutes; confirm the recipient at once.',
    severity: exposure.public ? 'critical' : 'high',
    resources: [{ type: resource.type, id: resource.id, account: event.account }],
    context: {
      exposedTo: exposure.public ? ['everyone', ...exposure.outside].join(', ') : accounts,
      through: resource.through,
    },
  };
}

/** `account 999988887777`, `accounts 1, 2`, or the principal ARNs as the grant names them. */
function recipients(outside: readonly string[]): string {
  const ids = outside.every((value) => /^\d{12}$/.test(value));
  const noun = outside.length === 1 ? 'account' : 'accounts';
  return ids ? `${noun} ${outside.join(', ')}` : outside.join(', ');
}

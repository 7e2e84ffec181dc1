import type { SecurityEvent } from '../../schemas/types.js';
import type { FactStore } from './fact-store.js';
import type { OpenIngress, SecurityGroupFact } from './facts.js';
import { field, integer, items, text } from './record-fields.js';

/** A range of prefix length 0 is the whole internet, however its address is written (`0.0.0.0/0`, `::/0`, `000.0.0.0/00`). */
function isWorld(cidr: string): boolean {
  const prefix = cidr.split('/')[1]?.trim();
  return prefix !== undefined && /^\d+$/.test(prefix) && Number(prefix) === 0;
}

/** ec2:AuthorizeSecurityGroupIngress: remembers the group and its rules open to the world. */
export function learnAuthorizeIngress(store: FactStore, event: SecurityEvent): void {
  const id = text(field(event.raw, 'requestParameters', 'groupId'));
  if (id === null) return;
  const known: SecurityGroupFact = store.get('sg', id) ?? {
    id,
    account: event.account,
    region: event.region,
    openIngress: [],
  };
  const added = openIngressRules(event).filter(
    (rule) => !known.openIngress.some((open) => sameRule(open, rule)),
  );
  store.set('sg', id, { ...known, openIngress: [...known.openIngress, ...added] });
}

/** ec2:RevokeSecurityGroupIngress: the revoked open rules are forgotten. */
export function learnRevokeIngress(store: FactStore, event: SecurityEvent): void {
  const id = text(field(event.raw, 'requestParameters', 'groupId'));
  const known = id === null ? undefined : store.get('sg', id);
  if (id === null || !known) return;
  const revoked = openIngressRules(event);
  const openIngress = known.openIngress.filter((open) => !revoked.some((rule) => sameRule(open, rule)));
  store.set('sg', id, { ...known, openIngress });
}

/** ec2:DeleteSecurityGroup. */
export function learnDeleteSecurityGroup(store: FactStore, event: SecurityEvent): void {
  const id = text(field(event.raw, 'requestParameters', 'groupId'));
  if (id !== null) store.delete('sg', id);
}

/** Rules of `ipPermissions.items[]`, or the legacy flat form (ipProtocol/fromPort/toPort/cidrIp on the request). */
function openIngressRules(event: SecurityEvent): OpenIngress[] {
  const request = field(event.raw, 'requestParameters');
  const listed = items(field(request, 'ipPermissions'));
  const permissions = listed.length > 0 ? listed : [request];
  const rules: OpenIngress[] = [];
  for (const permission of permissions) {
    const protocolValue = field(permission, 'ipProtocol');
    const protocol = text(protocolValue) ?? integer(protocolValue)?.toString() ?? null;
    if (protocol === null) continue;
    const cidrs = [
      field(permission, 'cidrIp'),
      ...items(field(permission, 'ipRanges')).map((range) => field(range, 'cidrIp')),
      ...items(field(permission, 'ipv6Ranges')).map((range) => field(range, 'cidrIpv6')),
    ];
    for (const cidr of cidrs) {
      if (typeof cidr !== 'string' || !isWorld(cidr)) continue;
      const fromPort = integer(field(permission, 'fromPort'));
      const toPort = integer(field(permission, 'toPort'));
      rules.push({ protocol, fromPort, toPort, cidr });
    }
  }
  return rules;
}

function sameRule(a: OpenIngress, b: OpenIngress): boolean {
  return a.protocol === b.protocol && a.fromPort === b.fromPort && a.toPort === b.toPort && a.cidr === b.cidr;
}

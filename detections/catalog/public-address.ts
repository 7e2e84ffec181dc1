import { BlockList, isIP } from 'node:net';

/** Ranges that are not reachable from the internet: private, shared (CGNAT), loopback, link-local, unspecified. */
const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/**
 * Whether an address is a public internet address (not RFC 1918, 100.64/10, loopback, link-local,
 * or IPv6 unique-local / link-local). Anything that is not an IP address is not public.
 *
 *   isPublicAddress('203.0.113.5'); // true
 *   isPublicAddress('10.0.1.10');   // false
 */
export function isPublicAddress(address: string): boolean {
  const version = isIP(address);
  if (version === 0) return false;
  return !NON_PUBLIC.check(address, version === 4 ? 'ipv4' : 'ipv6');
}

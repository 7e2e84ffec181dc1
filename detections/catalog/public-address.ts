import { BlockList, isIP } from 'node:net';
import { NOT_INTERNET } from './cidr.js';

const NON_PUBLIC = new BlockList();
for (const cidr of NOT_INTERNET) {
  const [network = '', prefix] = cidr.split('/');
  NON_PUBLIC.addSubnet(network, Number(prefix), isIP(network) === 4 ? 'ipv4' : 'ipv6');
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

import ipaddr from 'ipaddr.js';

/** Who an address range lets in, by meaning rather than by its text. */
export type Reach =
  /** Every address: any range with prefix length 0 (`0.0.0.0/0`, `::/0`, `208.236.235.254/0`). */
  | 'internet'
  /** At least a sixteenth of the public address space (`0.0.0.0/1` + `128.0.0.0/1` reopen the world). */
  | 'wide'
  /** A public range of ordinary size. */
  | 'public'
  /** Private, carrier-grade NAT, loopback, link-local or unique-local space: not reachable from the internet. */
  | 'private';

export interface AddressRange {
  /** As the record wrote it. */
  text: string;
  version: 4 | 6;
  prefix: number;
  reach: Reach;
}

/** Ranges no internet host can come from: private, shared (CGNAT), loopback, link-local, unspecified. */
export const NOT_INTERNET: readonly string[] = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '::/128',
  '::1/128',
  'fc00::/7',
  'fe80::/10',
];
const NOT_INTERNET_RANGES = NOT_INTERNET.map((cidr) => ipaddr.parseCIDR(cidr));

// A sixteenth of the space: IPv4 /4, IPv6 /4 (global unicast is 2000::/3, so /4 is half of it).
const WIDE_PREFIX = 4;

/**
 * Reads a CIDR (or a bare address, as one host) the way AWS does: surrounding spaces ignored, IPv4 octets
 * decimal even with leading zeros (`010.0.0.1` is 10.0.0.1, not octal as ipaddr.js would read it); null
 * when it is not an address range.
 *
 *   addressRange('0.0.0.0/0')?.reach        // 'internet'
 *   addressRange('000.000.000.000/0')?.reach // 'internet'
 *   addressRange('10.0.0.0/8')?.reach        // 'private'
 */
export function addressRange(text: string): AddressRange | null {
  const trimmed = text.trim();
  const slash = trimmed.indexOf('/');
  const address = decimalOctets(slash < 0 ? trimmed : trimmed.slice(0, slash));
  const prefixText = slash < 0 ? null : trimmed.slice(slash + 1);
  if (address === null || (prefixText !== null && !/^\d{1,3}$/.test(prefixText))) return null;
  if (!ipaddr.IPv4.isValidFourPartDecimal(address) && !ipaddr.IPv6.isValid(address)) return null;
  const parsed = ipaddr.parse(address);
  const version = parsed.kind() === 'ipv4' ? 4 : 6;
  const bits = version === 4 ? 32 : 128;
  const prefix = prefixText === null ? bits : Number(prefixText);
  if (prefix > bits) return null;
  return { text, version, prefix, reach: reachOf(parsed, prefix) };
}

/** Whether the range lets in the whole internet or a large part of it. */
export function isInternetWide(range: AddressRange | null): boolean {
  return range !== null && (range.reach === 'internet' || range.reach === 'wide');
}

/** How a range is described in titles: `0.0.0.0/0`, or `0.0.0.0/1 (1/2 of the internet)`. */
export function rangeLabel(range: AddressRange): string {
  return range.reach === 'wide' ? `${range.text} (1/${2 ** range.prefix} of the internet)` : range.text;
}

function reachOf(address: ipaddr.IPv4 | ipaddr.IPv6, prefix: number): Reach {
  if (prefix === 0) return 'internet';
  const inside = NOT_INTERNET_RANGES.some(
    ([network, length]) =>
      network.kind() === address.kind() && prefix >= length && address.match(network, length),
  );
  if (inside) return 'private';
  return prefix <= WIDE_PREFIX ? 'wide' : 'public';
}

/** `010.001.0.0` → `10.1.0.0`; IPv6 and non-decimal text unchanged; null for an empty string. */
function decimalOctets(address: string): string | null {
  if (address === '') return null;
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) return address;
  return address
    .split('.')
    .map((octet) => String(Number(octet)))
    .join('.');
}

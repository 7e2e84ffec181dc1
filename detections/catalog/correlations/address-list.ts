import { readFileSync } from 'node:fs';
import { BlockList } from 'node:net';
import ipaddr from 'ipaddr.js';
import { InvalidDetectionParamError } from '../params.js';

/** A set of addresses and networks, e.g. a threat list. */
export interface AddressList {
  has(address: string): boolean;
  /** The entries it holds, as read. */
  readonly size: number;
}

/**
 * The addresses and CIDRs of a threat list: inline entries plus a file of one entry per line. Comments
 * (`#`, and `;` as in Spamhaus DROP) and lines that hold no address (feed headers) are skipped; an entry in
 * the inline list that is not an address or CIDR, or a file that cannot be read, is a config error.
 *
 *   const list = addressList('flowlog-threat-list-traffic', { entries: ['198.51.100.0/24'], file: 'threats.txt' });
 *   list.has('198.51.100.7'); // true
 */
export function addressList(
  detection: string,
  source: { entries: readonly string[]; file: string | null },
): AddressList {
  const blocks = new BlockList();
  let size = 0;
  const add = (entry: string): boolean => {
    const [address, prefix] = entry.split('/');
    if (address === undefined || !ipaddr.isValid(address)) return false;
    const family = ipaddr.parse(address).kind() === 'ipv4' ? 'ipv4' : 'ipv6';
    const bits = family === 'ipv4' ? 32 : 128;
    const length = prefix === undefined ? bits : Number(prefix);
    if (
      !Number.isInteger(length) ||
      length < 0 ||
      length > bits ||
      (prefix !== undefined && !/^\d+$/.test(prefix))
    )
      return false;
    if (length === bits) blocks.addAddress(address, family);
    else blocks.addSubnet(address, length, family);
    size += 1;
    return true;
  };
  for (const entry of source.entries) {
    if (!add(entry.trim()))
      throw new InvalidDetectionParamError(
        detection,
        'cidrs',
        `not an address or CIDR: ${JSON.stringify(entry)}`,
      );
  }
  if (source.file !== null) {
    let text: string;
    try {
      text = readFileSync(source.file, 'utf8');
    } catch (error) {
      throw new InvalidDetectionParamError(
        detection,
        'file',
        `cannot read ${source.file}: ${(error as Error).message}`,
      );
    }
    for (const line of text.split('\n')) {
      const entry =
        line
          .replace(/[#;].*$/, '')
          .trim()
          .split(/\s+/)[0] ?? '';
      if (entry !== '') add(entry);
    }
  }
  return {
    has: (address) => {
      if (!ipaddr.isValid(address)) return false;
      const parsed = ipaddr.process(address);
      return blocks.check(parsed.toString(), parsed.kind() === 'ipv4' ? 'ipv4' : 'ipv6');
    },
    size,
  };
}

/** A globally routable unicast address (not private, loopback, link-local, CGNAT, documentation…). */
export function isPublicAddress(address: string | null): boolean {
  if (address === null || !ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'unicast';
}

import type { JsonValue } from '../../../schemas/types.js';
import { integer, text } from './record.js';

/** What a firewall rule (security group or network ACL entry) lets through, by protocol and port. */
export interface PortExposure {
  /** `all`, `tcp`, `udp`, `icmp`, `icmpv6`, or the protocol number as written for any other protocol. */
  protocol: string;
  /** TCP/UDP port range; null for all traffic and for protocols without ports. */
  ports: { from: number; to: number } | null;
  /** For titles: `all traffic`, `tcp 22`, `udp 1024-65535`, `all tcp ports`, `icmp`. */
  label: string;
}

const PROTOCOL_NAMES: Readonly<Record<string, string>> = {
  '-1': 'all',
  all: 'all',
  '6': 'tcp',
  tcp: 'tcp',
  '17': 'udp',
  udp: 'udp',
  '1': 'icmp',
  icmp: 'icmp',
  '58': 'icmpv6',
  icmpv6: 'icmpv6',
};

/**
 * Reads a rule's protocol and port range as CloudTrail writes them (names or numbers, as numbers or strings;
 * an absent or -1 port is the open end of the range).
 *
 *   portExposure('tcp', 22, 22).label       // 'tcp 22'
 *   portExposure('-1', null, null).label    // 'all traffic'
 *   portExposure('6', '0', '65535').label   // 'all tcp ports'
 */
export function portExposure(
  protocolValue: JsonValue | undefined,
  fromValue: JsonValue | undefined,
  toValue: JsonValue | undefined,
): PortExposure {
  const written = (text(protocolValue) ?? '-1').toLowerCase();
  const protocol = PROTOCOL_NAMES[written] ?? written;
  if (protocol === 'all') return { protocol, ports: null, label: 'all traffic' };
  if (protocol !== 'tcp' && protocol !== 'udp') return { protocol, ports: null, label: protocol };
  const fromPort = integer(fromValue);
  const toPort = integer(toValue);
  const from = fromPort === null || fromPort < 0 ? 0 : fromPort;
  const to = toPort === null || toPort < 0 ? 65535 : toPort;
  const label =
    from === 0 && to === 65535
      ? `all ${protocol} ports`
      : from === to
        ? `${protocol} ${from}`
        : `${protocol} ${from}-${to}`;
  return { protocol, ports: { from, to }, label };
}

/** The listed ports a rule lets through: all of them for all traffic, none for ICMP and other protocols. */
export function exposedPorts(exposure: PortExposure, ports: readonly number[]): number[] {
  if (exposure.protocol === 'all') return [...ports];
  const range = exposure.ports;
  return range === null ? [] : ports.filter((port) => port >= range.from && port <= range.to);
}

/** Whether the rule lets through nothing but the listed ports (e.g. only web ports 80/443). */
export function onlyPorts(exposure: PortExposure, ports: readonly number[]): boolean {
  const range = exposure.ports;
  if (range === null || range.to - range.from + 1 > ports.length) return false;
  for (let port = range.from; port <= range.to; port++) if (!ports.includes(port)) return false;
  return true;
}

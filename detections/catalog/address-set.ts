import { BlockList, isIP } from 'node:net';
import { InvalidDetectionParamError, type ParamReader } from './params.js';

/** A set of addresses given as CIDRs or single addresses (IPv4 and IPv6), compared by meaning, not text. */
export interface AddressSet {
  has(address: string): boolean;
  readonly size: number;
}

/**
 * Reads a detection param that lists CIDRs (`10.0.0.0/8`, `2600:1f18::/36`) or single addresses, and answers
 * membership by meaning (`::ffff:a00:1` and `10.0.0.1` are not confused with other text forms); a malformed
 * entry throws InvalidDetectionParamError when the operator is built.
 *
 *   const egress = addressSet(read, 'ec2-instance-credentials-external-use', 'instanceEgressCidrs', []);
 *   egress.has('203.0.113.9') // false
 */
export function addressSet(
  read: ParamReader,
  detection: string,
  param: string,
  fallback: readonly string[],
): AddressSet {
  const entries = read.strings(param, fallback);
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix, ...rest] = entry.trim().split('/');
    const version = isIP(address);
    const bits = prefix === undefined ? (version === 4 ? 32 : 128) : Number(prefix);
    if (
      version === 0 ||
      rest.length > 0 ||
      !Number.isInteger(bits) ||
      bits < 0 ||
      bits > (version === 4 ? 32 : 128)
    ) {
      throw new InvalidDetectionParamError(
        detection,
        param,
        `${JSON.stringify(entry)} is not an address or CIDR`,
      );
    }
    list.addSubnet(address, bits, version === 4 ? 'ipv4' : 'ipv6');
  }
  return {
    size: entries.length,
    has(address) {
      const version = isIP(address);
      return version !== 0 && list.check(address, version === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

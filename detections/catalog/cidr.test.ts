import { describe, expect, it } from 'vitest';
import { addressRange, isInternetWide, rangeLabel } from './cidr.js';

const reach = (text: string) => addressRange(text)?.reach ?? null;

describe('address ranges, compared by meaning', () => {
  it('reads any /0 as the whole internet, whatever the address before it', () => {
    expect(
      ['0.0.0.0/0', '::/0', '208.236.235.254/0', '000.000.000.000/0', '0.0.0.0/00', ' 0.0.0.0/0 '].map(reach),
    ).toEqual(['internet', 'internet', 'internet', 'internet', 'internet', 'internet']);
    expect(reach('2001:db8::1/0')).toBe('internet');
  });

  it('reads octets with leading zeros as decimal, as AWS does (not octal)', () => {
    expect(reach('010.000.000.000/8')).toBe('private');
    expect(reach('0172.016.0.0/12')).toBeNull(); // four digits: not an octet
    expect(reach('192.168.001.010/32')).toBe('private');
  });

  it('tells private, public and wide ranges apart', () => {
    expect(['10.0.0.0/8', '172.16.5.0/24', '100.64.12.0/24', 'fd00::/8', '127.0.0.1'].map(reach)).toEqual([
      'private',
      'private',
      'private',
      'private',
      'private',
    ]);
    expect(['198.51.100.23/32', '52.0.0.0/8', '2001:db8::/32', '1.2.3.4'].map(reach)).toEqual([
      'public',
      'public',
      'public',
      'public',
    ]);
    expect(['0.0.0.0/1', '128.0.0.0/1', '64.0.0.0/2', '2000::/3'].map(reach)).toEqual([
      'wide',
      'wide',
      'wide',
      'wide',
    ]);
    // 0.0.0.0/16 lies inside 0.0.0.0/8 ("this network"): nothing on the internet
    expect(reach('0.0.0.0/16')).toBe('private');
  });

  it('returns null for text that is not a range', () => {
    expect(
      ['', '1.2.3.4/33', '::/129', 'sg-0123', '1.2.3/8', '0.0.0.0/x', '0.0.0.0/-1', 'anywhere'].map(reach),
    ).toEqual([null, null, null, null, null, null, null, null]);
  });

  it('labels wide ranges with the share of the internet they open', () => {
    expect(isInternetWide(addressRange('0.0.0.0/1'))).toBe(true);
    expect(isInternetWide(addressRange('203.0.113.0/24'))).toBe(false);
    expect(isInternetWide(null)).toBe(false);
    expect(rangeLabel(addressRange('128.0.0.0/1')!)).toBe('128.0.0.0/1 (1/2 of the internet)');
    expect(rangeLabel(addressRange('::/0')!)).toBe('::/0');
  });
});

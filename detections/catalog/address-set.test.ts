import { describe, expect, it } from 'vitest';
import { addressSet } from './address-set.js';
import { InvalidDetectionParamError, paramReader } from './params.js';

const read = (list: unknown) => paramReader('test', list === undefined ? {} : { cidrs: list });

describe('addressSet', () => {
  it('matches IPv4 and IPv6 CIDRs and single addresses by meaning', () => {
    const set = addressSet(read(['10.0.0.0/8', '203.0.113.9', '2600:1f18::/32']), 'test', 'cidrs', []);
    expect(set.size).toBe(3);
    expect(set.has('10.200.3.4')).toBe(true);
    expect(set.has('203.0.113.9')).toBe(true);
    expect(set.has('203.0.113.10')).toBe(false);
    expect(set.has('2600:1f18:0:0::5')).toBe(true);
    expect(set.has('2600:1f19::5')).toBe(false);
    expect(set.has('not-an-address')).toBe(false);
  });

  it('uses the fallback when the param is absent and is empty for []', () => {
    expect(addressSet(read(undefined), 'test', 'cidrs', ['192.0.2.0/24']).has('192.0.2.7')).toBe(true);
    expect(addressSet(read([]), 'test', 'cidrs', ['192.0.2.0/24']).has('192.0.2.7')).toBe(false);
  });

  it.each([['10.0.0.0/33'], ['10.0.0/8'], ['::/129'], ['host.example'], ['10.0.0.0/8/1'], ['10.0.0.0/x']])(
    'rejects %s',
    (entry) => {
      expect(() => addressSet(read([entry]), 'test', 'cidrs', [])).toThrow(InvalidDetectionParamError);
    },
  );
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidDetectionParamError } from '../params.js';
import { addressList, isPublicAddress } from './address-list.js';

describe('addressList', () => {
  it('holds inline entries and a file’s, by meaning: networks, single addresses, IPv6, IPv4-mapped', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'shardwatch-threats-')), 'drop.txt');
    writeFileSync(
      file,
      '; Spamhaus DROP List 2026/11/20\n45.155.205.0/24 ; SBL123\n# a comment\n2001:db8:bad::/48\nnot an address\n10.0.0.1/99\n\n',
    );
    const list = addressList('d', { entries: ['198.18.0.7', '185.220.101.0/24'], file });
    expect(list.size).toBe(4);
    for (const listed of [
      '45.155.205.233',
      '198.18.0.7',
      '185.220.101.255',
      '2001:db8:bad::1',
      '::ffff:45.155.205.1',
    ])
      expect(list.has(listed), listed).toBe(true);
    for (const other of ['45.155.206.1', '198.18.0.8', '2001:db8:bae::1', '10.0.0.1', 'garbage'])
      expect(list.has(other), other).toBe(false);
  });

  it('rejects an inline entry that is not an address and a file it cannot read', () => {
    expect(() => addressList('d', { entries: ['45.155.205.0/33'], file: null })).toThrow(
      InvalidDetectionParamError,
    );
    expect(() => addressList('d', { entries: ['evil.example'], file: null })).toThrow(
      InvalidDetectionParamError,
    );
    expect(() => addressList('d', { entries: [], file: '/nonexistent/threats.txt' })).toThrow(/cannot read/);
  });
});

describe('isPublicAddress', () => {
  it('is true only for globally routable unicast addresses', () => {
    expect(['8.8.8.8', '185.220.101.4', '2a05:d018::1', '::ffff:8.8.8.8'].map(isPublicAddress)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(
      [
        '10.0.0.1',
        '172.16.5.4',
        '192.168.1.1',
        '100.64.0.1',
        '127.0.0.1',
        '169.254.169.254',
        '198.51.100.7',
        'fe80::1',
        'x',
        null,
      ].map(isPublicAddress),
    ).toEqual(new Array(10).fill(false));
  });
});

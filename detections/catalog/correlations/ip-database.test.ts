import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidDetectionParamError } from '../params.js';
import { defaultIpDatabaseFiles, ipDatabaseFiles, openIpDatabase } from './ip-database.js';

describe('openIpDatabase', () => {
  it('answers country, AS number and holder from the installed databases, IPv4, IPv6 and IPv4-mapped', () => {
    const database = openIpDatabase(defaultIpDatabaseFiles());
    expect(database.lookup('3.5.140.2')).toEqual({ country: 'KR', asn: 16509, network: 'Amazon.com, Inc.' });
    expect(database.lookup('2a05:d018::1')).toMatchObject({ country: 'IE', asn: 16509 });
    expect(database.lookup('::ffff:8.8.4.4')).toEqual({ country: 'US', asn: 15169, network: 'Google LLC' });
    for (const address of ['10.0.0.1', '198.51.100.7', 'not-an-address', ''])
      expect(database.lookup(address)).toEqual({ country: null, asn: null, network: null });
    expect(openIpDatabase(defaultIpDatabaseFiles())).toBe(database);
  });

  it('reads AS range files as ip-location-db writes them, skipping lines it cannot use', () => {
    const directory = mkdtempSync(join(tmpdir(), 'shardwatch-asn-'));
    const csv = join(directory, 'asn.csv');
    writeFileSync(
      csv,
      [
        '16777216,16777471,13335,"Cloudflare, Inc."',
        '16777472,16777727,64500,"Quote ""inside"" Ltd"',
        '16777300,16777400,64501,overlapping row dropped',
        'garbage line',
        '1,2,notanumber,x',
        '42540528726795050063891204319802818560,42540528806023212578155541913346768895,64502,IPv6 Example',
        '',
      ].join('\n'),
    );
    const database = openIpDatabase({ country: defaultIpDatabaseFiles().country, asn: [csv] });
    expect(database.lookup('1.0.0.1')).toMatchObject({ asn: 13335, network: 'Cloudflare, Inc.' });
    expect(database.lookup('1.0.1.1')).toMatchObject({ asn: 64500, network: 'Quote "inside" Ltd' });
    expect(database.lookup('2001:200::1')).toMatchObject({ asn: 64502, network: 'IPv6 Example' });
    expect(database.lookup('1.0.2.0')).toMatchObject({ asn: null, network: null });
  });

  it('takes other files from the params and rejects a bad value', () => {
    expect(
      ipDatabaseFiles('d', {
        countryDatabase: '/data/GeoLite2-Country.mmdb',
        asnDatabases: ['/data/GeoLite2-ASN.mmdb'],
      }),
    ).toEqual({
      country: '/data/GeoLite2-Country.mmdb',
      asn: ['/data/GeoLite2-ASN.mmdb'],
    });
    expect(ipDatabaseFiles('d', {})).toEqual(defaultIpDatabaseFiles());
    expect(() => ipDatabaseFiles('d', { countryDatabase: 3 })).toThrow(InvalidDetectionParamError);
    expect(() => ipDatabaseFiles('d', { asnDatabases: '/one/path' })).toThrow(InvalidDetectionParamError);
  });
});

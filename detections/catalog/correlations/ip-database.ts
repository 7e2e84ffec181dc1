import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import ipaddr from 'ipaddr.js';
import { type AsnResponse, type CountryResponse, Reader } from 'maxmind';
import type { DetectionParams } from '../../api.js';
import { InvalidDetectionParamError, paramReader } from '../params.js';

/** What the offline databases say about an address. */
export interface IpFacts {
  /** ISO 3166 country code, e.g. `DE`. */
  country: string | null;
  /** Autonomous system number, e.g. 16509. */
  asn: number | null;
  /** Who holds the autonomous system, e.g. `Amazon.com, Inc.`. */
  network: string | null;
}

export interface IpDatabase {
  lookup(address: string): IpFacts;
}

/**
 * Where the databases are: a MaxMind-format country database (`.mmdb`: GeoLite2-Country, or ip-location-db's),
 * and AS databases: MaxMind GeoLite2-ASN (`.mmdb`) or ip-location-db's numeric range files (`.csv`).
 */
export interface IpDatabaseFiles {
  country: string;
  asn: readonly string[];
}

const require = createRequire(import.meta.url);

/**
 * The databases installed with shardwatch from the npm registry: GeoLite2 Country (MaxMind, via
 * `@ip-location-db/geolite2-country-mmdb`) and RouteViews/NRO/DB-IP ASN ranges (`@ip-location-db/asn`).
 * `npm update @ip-location-db/geolite2-country-mmdb @ip-location-db/asn` refreshes them.
 */
export function defaultIpDatabaseFiles(): IpDatabaseFiles {
  return {
    country: require.resolve('@ip-location-db/geolite2-country-mmdb/geolite2-country.mmdb'),
    asn: [
      require.resolve('@ip-location-db/asn/asn-ipv4-num.csv'),
      require.resolve('@ip-location-db/asn/asn-ipv6-num.csv'),
    ],
  };
}

/**
 * The databases a detection's params name (`countryDatabase`, `asnDatabases`), else the installed ones: point
 * them at files `geoipupdate` keeps current to use MaxMind's own GeoLite2 Country and ASN databases.
 */
export function ipDatabaseFiles(detection: string, params: DetectionParams): IpDatabaseFiles {
  const installed = defaultIpDatabaseFiles();
  const country = params.countryDatabase;
  if (country !== undefined && (typeof country !== 'string' || country === ''))
    throw new InvalidDetectionParamError(
      detection,
      'countryDatabase',
      `expected a path, got ${JSON.stringify(country)}`,
    );
  return {
    country: country ?? installed.country,
    asn: paramReader(detection, params).strings('asnDatabases', installed.asn),
  };
}

/** The amazon.com autonomous systems: addresses of AWS (EC2, NAT gateways, AWS services). */
export const AMAZON_ASNS: readonly number[] = [
  16509, 14618, 8987, 7224, 9059, 21664, 36263, 38895, 62785, 400098, 401395,
];

/**
 * A detection's `awsAsns` param: the autonomous systems whose addresses count as AWS's (default AMAZON_ASNS).
 *
 *   new Set(awsAsnsParam('ec2-instance-credentials-new-origin', params.awsAsns)).has(16509) // true
 */
export function awsAsnsParam(detection: string, value: unknown): readonly number[] {
  if (value === undefined) return AMAZON_ASNS;
  if (!Array.isArray(value) || !value.every((asn) => Number.isInteger(asn) && asn > 0))
    throw new InvalidDetectionParamError(
      detection,
      'awsAsns',
      `expected a list of AS numbers, got ${JSON.stringify(value)}`,
    );
  return value as number[];
}

/**
 * Opened databases by their files. The data is read-only and tens of MiB, so it is loaded once per process
 * however many pipelines (fixture cases, replays) build the detections that look addresses up.
 */
const opened = new Map<string, IpDatabase>();

/**
 * Loads the databases once (synchronously: detections are built synchronously) and answers per address.
 *
 *   const db = openIpDatabase(defaultIpDatabaseFiles());
 *   db.lookup('3.5.140.2'); // { country: 'KR', asn: 16509, network: 'Amazon.com, Inc.' }
 */
export function openIpDatabase(files: IpDatabaseFiles): IpDatabase {
  const id = [files.country, ...files.asn].join('\n');
  let database = opened.get(id);
  if (!database) {
    database = loadIpDatabase(files);
    opened.set(id, database);
  }
  return database;
}

function loadIpDatabase(files: IpDatabaseFiles): IpDatabase {
  const countries = new Reader<CountryResponse & { country_code?: string }>(readFileSync(files.country));
  const asnReaders = files.asn
    .filter((file) => file.endsWith('.mmdb'))
    .map((file) => new Reader<AsnResponse>(readFileSync(file)));
  const ranges = new AsnRanges(
    files.asn.filter((file) => !file.endsWith('.mmdb')).map((file) => readFileSync(file)),
  );
  const asnOf = (address: ipaddr.IPv4 | ipaddr.IPv6): { asn: number | null; network: string | null } => {
    for (const reader of asnReaders) {
      const found = reader.get(address.toString());
      if (found?.autonomous_system_number !== undefined)
        return { asn: found.autonomous_system_number, network: found.autonomous_system_organization ?? null };
    }
    return ranges.lookup(address);
  };
  return {
    lookup(address) {
      if (!ipaddr.isValid(address)) return { country: null, asn: null, network: null };
      const parsed = ipaddr.parse(address);
      const found = countries.get((asIPv4(parsed) ?? parsed).toString());
      const country = found?.country_code ?? found?.country?.iso_code ?? null;
      return { country, ...asnOf(asIPv4(parsed) ?? parsed) };
    },
  };
}

/** AS ranges from ip-location-db's numeric CSV files: sorted, non-overlapping, searched by bisection. */
class AsnRanges {
  /** IPv4 bounds as doubles (typed arrays keep 400k rows small); IPv6 bounds as 128-bit bigints. */
  private readonly v4 = new RangeTable<number>();
  private readonly v6 = new RangeTable<bigint>();

  /** Read as bytes, a line at a time: a string per file or per line would cost hundreds of MiB at peak. */
  constructor(csvFiles: readonly Buffer[]) {
    for (const csv of csvFiles) {
      for (let from = 0; from < csv.length; ) {
        const to = csv.indexOf(NEWLINE, from);
        const end = to < 0 ? csv.length : to;
        this.add(csv, from, end);
        from = end + 1;
      }
    }
    this.v4.seal((values) => Float64Array.from(values));
    this.v6.seal((values) => values);
  }

  lookup(address: ipaddr.IPv4 | ipaddr.IPv6): { asn: number | null; network: string | null } {
    const v4 = asIPv4(address);
    if (v4) return this.v4.lookup(v4.toByteArray().reduce((value, byte) => value * 256 + byte, 0));
    return this.v6.lookup(address.toByteArray().reduce((value, byte) => (value << 8n) | BigInt(byte), 0n));
  }

  /** `start,end,asn,network`; the network may be quoted (`"Amazon.com, Inc."`). Other lines are skipped. */
  private add(csv: Buffer, from: number, to: number): void {
    const first = csv.indexOf(COMMA, from);
    const second = first < 0 ? -1 : csv.indexOf(COMMA, first + 1);
    const third = second < 0 ? -1 : csv.indexOf(COMMA, second + 1);
    if (first <= from || second < 0 || third < 0 || third >= to) return;
    const start = csv.toString('latin1', from, first);
    const end = csv.toString('latin1', first + 1, second);
    const asn = Number(csv.toString('latin1', second + 1, third));
    if (!DIGITS.test(start) || !DIGITS.test(end) || !Number.isInteger(asn)) return;
    // The network's name is decoded once per AS: every range of an AS names the same holder.
    const network = () => {
      const rest = csv.toString('utf8', third + 1, to).trim();
      return rest.startsWith('"') ? rest.slice(1, -1).replaceAll('""', '"') : rest;
    };
    // The IPv4 file's bounds fit in 32 bits (10 digits at most); IPv6 bounds are 128-bit values.
    if (start.length <= 10 && Number(start) <= 0xffffffff)
      this.v4.add(Number(start), Number(end), asn, network);
    else this.v6.add(BigInt(start), BigInt(end), asn, network);
  }
}

const NEWLINE = 0x0a;
const COMMA = 0x2c;
const DIGITS = /^\d+$/;

/** IPv4, or the IPv4 address inside an IPv4-mapped IPv6 address; null for other IPv6. */
function asIPv4(address: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | null {
  if (address.kind() === 'ipv4') return address as ipaddr.IPv4;
  const v6 = address as ipaddr.IPv6;
  return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : null;
}

/** Ranges added in ascending order (the files are sorted; an out-of-order row is dropped), then sealed. */
class RangeTable<T extends number | bigint> {
  private starts: ArrayLike<T> = [];
  private ends: ArrayLike<T> = [];
  private pending: { starts: T[]; ends: T[]; asns: number[] } = { starts: [], ends: [], asns: [] };
  private asns = new Uint32Array(0);
  /** Networks repeat (one AS holds many ranges): one string per AS. */
  private readonly networkByAsn = new Map<number, string>();

  add(start: T, end: T, asn: number, network: () => string): void {
    const previous = this.pending.ends.at(-1);
    if (previous !== undefined && start <= previous) return;
    this.pending.starts.push(start);
    this.pending.ends.push(end);
    this.pending.asns.push(asn);
    if (!this.networkByAsn.has(asn)) this.networkByAsn.set(asn, network());
  }

  seal(store: (values: T[]) => ArrayLike<T>): void {
    this.starts = store(this.pending.starts);
    this.ends = store(this.pending.ends);
    this.asns = Uint32Array.from(this.pending.asns);
    this.pending = { starts: [], ends: [], asns: [] };
  }

  lookup(value: T): { asn: number | null; network: string | null } {
    let low = 0;
    let high = this.starts.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if ((this.starts[middle] as T) <= value) {
        found = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    if (found < 0 || (this.ends[found] as T) < value) return { asn: null, network: null };
    const asn = this.asns[found] as number;
    return { asn, network: this.networkByAsn.get(asn) ?? null };
  }
}

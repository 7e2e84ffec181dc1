import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../schemas/types.js';
import { DEFAULT_START, generateCloudTrail } from './cloudtrail.js';

const REQUIRED = [
  'eventID',
  'eventTime',
  'eventSource',
  'eventName',
  'awsRegion',
  'recipientAccountId',
  'userIdentity',
];

function take(n: number, options: Parameters<typeof generateCloudTrail>[0]): JsonObject[] {
  return [...generateCloudTrail(options)].slice(0, n);
}

describe('generateCloudTrail', () => {
  it('gives the same records for the same seed, and other records for another seed', () => {
    const first = take(100, { records: 100, seed: 42 });
    expect(take(100, { records: 100, seed: 42 })).toEqual(first);
    expect(take(100, { records: 100, seed: 43 })[0]).not.toEqual(first[0]);
    expect(first).toHaveLength(100);
  });

  it('gives every record the fields the decoder needs, with unique ids and UTC second times', () => {
    const records = take(5_000, { records: 5_000, seed: 1 });
    for (const record of records) {
      for (const field of REQUIRED) expect(record[field], `${field} of ${record.eventID}`).toBeDefined();
      expect(String(record.eventTime)).toMatch(/^2026-11-24T\d{2}:\d{2}:\d{2}Z$/);
      expect(String(record.eventSource)).toMatch(/^[a-z0-9-]+\.amazonaws\.com$/);
      expect(String(record.recipientAccountId)).toMatch(/^\d{12}$/);
    }
    expect(new Set(records.map((record) => record.eventID)).size).toBe(5_000);
    const readOnly = records.filter((record) => record.readOnly === true).length / records.length;
    expect(readOnly).toBeGreaterThan(0.75);
    expect(readOnly).toBeLessThan(0.85);
  });

  it('advances time 1-10 ms per record from the start, with out-of-order records less than a minute behind', () => {
    const times = take(20_000, { records: 20_000, seed: 3 }).map((record) =>
      Date.parse(String(record.eventTime)),
    );
    let newest = DEFAULT_START;
    let behind = 0;
    for (const time of times) {
      expect(time).toBeGreaterThanOrEqual(DEFAULT_START);
      if (time < newest - 1_000) behind += 1;
      expect(newest - time).toBeLessThan(60_000);
      newest = Math.max(newest, time);
    }
    expect(behind).toBeGreaterThan(0);
    expect(newest - DEFAULT_START).toBeGreaterThan(20_000 * 1);
    expect(newest - DEFAULT_START).toBeLessThan(20_000 * 10);
  });

  it('uses exactly the requested number of distinct principals', () => {
    const arns = (principals: number) =>
      new Set(
        take(3_000, { records: 3_000, seed: 5, principals })
          .map((record) => record.userIdentity as JsonObject)
          .filter((identity) => identity.type !== 'AWSService')
          .map((identity) => `${identity.accountId}/${identity.userName ?? identity.arn}`),
      ).size;
    expect(arns(7)).toBe(7);
    expect(arns(2_000)).toBe(2_000);
  });

  it('launches 6 large instances in one account within seconds, halfway through every 50,000 records', () => {
    const records = [...generateCloudTrail({ records: 25_006, seed: 9 })].slice(25_000);
    expect(records.map((record) => record.eventName)).toEqual(Array(6).fill('RunInstances'));
    expect(new Set(records.map((record) => record.recipientAccountId)).size).toBe(1);
    const types = records.map((record) => (record.requestParameters as JsonObject).instanceType);
    expect(types).toEqual([
      'c6i.8xlarge',
      'm6i.12xlarge',
      'r6i.16xlarge',
      'c7g.8xlarge',
      'm7g.16xlarge',
      'c6i.24xlarge',
    ]);
    const span = Date.parse(String(records[5]?.eventTime)) - Date.parse(String(records[0]?.eventTime));
    expect(span).toBeLessThan(5 * 60_000);
  });

  it('rejects a negative record count', () => {
    expect(() => [...generateCloudTrail({ records: -1 })]).toThrow('records must be an integer >= 0');
  });
});

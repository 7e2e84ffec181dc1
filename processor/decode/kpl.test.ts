import kinesisAggregation from 'aws-kinesis-agg';
import { describe, expect, it } from 'vitest';
import { createUser, runInstances } from '../../test/corpus/decode/records.js';
import { decodeRecord } from './index.js';
import { deaggregate, isKplAggregate } from './kpl.js';

/** Builds one KPL aggregate with the library's own aggregator, as a KPL producer would. */
function aggregateOf(userRecords: readonly Buffer[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const encoded: Buffer[] = [];
    kinesisAggregation.aggregate(
      userRecords.map((data, index) => ({ partitionKey: `key-${index}`, data })),
      (record, done) => {
        encoded.push(record.data);
        done();
      },
      () =>
        encoded.length === 1
          ? resolve(encoded[0] as Buffer)
          : reject(new Error(`${encoded.length} aggregates`)),
      (error) => reject(error),
    );
  });
}

describe('KPL aggregates', () => {
  it('decodes each user record in turn, index = position', async () => {
    const aggregate = await aggregateOf([
      Buffer.from(JSON.stringify(runInstances())),
      Buffer.from('not json, not flow'),
      Buffer.from(JSON.stringify(createUser())),
    ]);
    expect(isKplAggregate(aggregate)).toBe(true);
    const result = decodeRecord(aggregate, { input: 'shard-0', offset: '4950' });
    expect(result.events.map((event) => event.id)).toEqual(['ev-run-1', 'ev-user-1']);
    expect(result.deadLetters).toEqual([
      {
        origin: { input: 'shard-0', offset: '4950', index: 1 },
        reason: 'flow_line_invalid',
        detail: '4 fields where the format has 14',
        head: Buffer.from('not json, not flow').toString('base64'),
      },
    ]);
  });

  it('rejects a corrupt aggregate as kpl_invalid', async () => {
    const aggregate = await aggregateOf([Buffer.from(JSON.stringify(runInstances()))]);
    const corrupt = Buffer.from(aggregate);
    corrupt[10] = (corrupt[10] ?? 0) ^ 0xff;
    const result = decodeRecord(corrupt, { input: 'shard-0', offset: '1' });
    expect(result.events).toEqual([]);
    expect(result.deadLetters.map((letter) => [letter.reason, letter.detail])).toEqual([
      ['kpl_invalid', 'Invalid record checksum'],
    ]);
    const truncated = aggregate.subarray(0, 12);
    expect(decodeRecord(truncated, { input: 'shard-0', offset: '2' }).deadLetters[0]?.reason).toBe(
      'kpl_invalid',
    );
  });

  it('deaggregates synchronously', async () => {
    const aggregate = await aggregateOf([Buffer.from('a'), Buffer.from('b')]);
    expect(deaggregate(aggregate).map((data) => data.toString())).toEqual(['a', 'b']);
  });
});

import kinesisAggregation from 'aws-kinesis-agg';
import { DecodeError } from './dead-letter.js';

/** Magic bytes that open a KPL aggregated record (f3 89 9a c2). */
const KPL_MAGIC = [0xf3, 0x89, 0x9a, 0xc2];

export function isKplAggregate(data: Uint8Array): boolean {
  return data.length >= 4 && KPL_MAGIC.every((byte, index) => data[index] === byte);
}

/**
 * The user records inside a KPL aggregate, in order, checksum verified; throws
 * DecodeError('kpl_invalid') for a corrupt aggregate. aws-kinesis-agg's deaggregateSync calls its
 * callback before returning, so this is synchronous.
 *
 *   for (const [index, data] of deaggregate(record.data).entries()) decode(data, index);
 */
export function deaggregate(data: Uint8Array): Buffer[] {
  let outcome: { error: Error | undefined; records: Buffer[] } | undefined;
  kinesisAggregation.deaggregateSync(
    { data: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64') },
    true,
    (error, userRecords) => {
      // The library reports a per-record failure and then finishes again: the first report wins.
      outcome ??= {
        error: error ?? undefined,
        records: (userRecords ?? []).map((record) => Buffer.from(record.data, 'base64')),
      };
    },
  );
  if (outcome === undefined) throw new DecodeError('kpl_invalid', 'aggregate was not decoded');
  if (outcome.error) throw new DecodeError('kpl_invalid', outcome.error.message);
  return outcome.records;
}

import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { findingType, securityEventType } from '../../../schemas/codec.js';
import type { Finding, SecurityEvent } from '../../../schemas/types.js';

/**
 * One keyed-stream record (keyed-record.avsc): an event, a finding to roll up, or only a watermark.
 *
 *   encodeKeyedRecord({ watermark: g, event, finding: null }); // PutRecords Data
 */
export interface KeyedRecord {
  /** Ingest's watermark when it put the record: no event older than it will follow; null when unknown. */
  watermark: number | null;
  /** Where ingest read the content: a copy published again (at least once) carries the same origin. */
  origin: string | null;
  event: SecurityEvent | null;
  finding: Finding | null;
}

const keyedRecordType = avro.Type.forSchema(
  JSON.parse(readFileSync(new URL('./keyed-record.avsc', import.meta.url), 'utf8')) as avro.Schema,
  // The event and finding schemas are referenced by name; their types are the codec's (with its logical types).
  {
    registry: {
      'shardwatch.SecurityEvent': securityEventType,
      'shardwatch.Finding': findingType,
    } as unknown as { [name: string]: avro.Type },
  },
);

export function encodeKeyedRecord(record: KeyedRecord): Buffer {
  return keyedRecordType.toBuffer(record);
}

/** Throws on bytes that are not a KeyedRecord. */
export function decodeKeyedRecord(buffer: Buffer): KeyedRecord {
  const { watermark, origin, event, finding } = keyedRecordType.fromBuffer(buffer) as KeyedRecord;
  return { watermark, origin, event, finding };
}

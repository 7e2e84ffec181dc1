import type { _Record } from '@aws-sdk/client-kinesis';
import { LRUCache } from 'lru-cache';
import type { SecurityEvent } from '../../../schemas/types.js';
import type { DeadLetter, DecodeOptions, Origin } from '../../decode/index.js';
import type { DecodedRecord } from '../shard-processor.js';
import { decodeKeyedRecord, type KeyedRecord } from './keyed-record.js';

/** How many (partition key, event id) pairs are remembered to drop re-published copies, default 100 000. */
const DEFAULT_SEEN = 100_000;
const HEAD_BYTES = 256;

/** A keyed-stream record parsed, or why it could not be. */
export type ParsedRecord = { record: KeyedRecord; deadLetter?: undefined } | { deadLetter: DeadLetter };

/**
 * A keyed shard engine's record decoder: each keyed-stream record is one KeyedRecord (Avro, keyed-record.avsc).
 * It remembers the partition key each event arrived under (`keyOf`), so a detection sees only the copies
 * published for its own key, and drops a copy it already decoded — same key and origin (where ingest read it):
 * ingest publishes at least once (a retried PutRecords, a source shard replayed after takeover), and windows
 * and roll-ups must not count twice; two source records with the same content are two events, as in replay.
 * One per engine: a taker's fresh engine must see the copies its snapshot does not cover.
 *
 *   const decoder = new KeyedRecordDecoder();
 *   decoder.decode(record, origin, options).events; decoder.keyOf(event); // '111122223333'
 */
export class KeyedRecordDecoder {
  private readonly keys = new WeakMap<SecurityEvent, string>();
  private readonly seen: LRUCache<string, true>;

  constructor(o: { maxSeen?: number } = {}) {
    // maxSize, not max: `max` preallocates its slots, and each engine (one per keyed shard) has a decoder.
    this.seen = new LRUCache({ maxSize: o.maxSeen ?? DEFAULT_SEEN, sizeCalculation: () => 1 });
  }

  /** The partition key this event object was read under; undefined for an event not decoded here. */
  keyOf(event: SecurityEvent): string | undefined {
    return this.keys.get(event);
  }

  /** Decodes without remembering anything (a child merging its parents' tails looks ahead). */
  static parse(record: _Record, origin: Origin): ParsedRecord {
    const data = record.Data ?? new Uint8Array();
    try {
      return { record: decodeKeyedRecord(Buffer.from(data.buffer, data.byteOffset, data.byteLength)) };
    } catch (error) {
      const detail = `not a keyed-stream record: ${error instanceof Error ? error.message : String(error)}`;
      const head = Buffer.from(data.subarray(0, HEAD_BYTES)).toString('base64');
      return { deadLetter: { origin, reason: 'unknown_format', detail, head } };
    }
  }

  readonly decode = (record: _Record, origin: Origin, options: DecodeOptions): DecodedRecord => {
    const parsed = KeyedRecordDecoder.parse(record, origin);
    if (parsed.deadLetter) return { events: [], deadLetters: [parsed.deadLetter], ignored: 0, skipped: 0 };
    return this.accept(parsed.record, record.PartitionKey ?? '', options);
  };

  /** The content of a parsed record this engine takes: its event unless a copy was seen, its finding. */
  accept(keyed: KeyedRecord, key: string, options: DecodeOptions): DecodedRecord {
    const result: DecodedRecord = { events: [], deadLetters: [], ignored: 0, skipped: 0 };
    result.watermark = keyed.watermark;
    result.partitionKey = key;
    const { event, finding } = keyed;
    if (finding) {
      const copy = `${key}\u0000${keyed.origin ?? `${finding.id}\u0000${finding.time}`}`;
      if (this.seen.has(copy)) result.skipped = 1;
      else {
        this.seen.set(copy, true);
        result.findings = [finding];
      }
    }
    if (!event) return result;
    const copy = `${key}\u0000${keyed.origin ?? `${event.id}\u0000${event.time}`}`;
    if (this.seen.has(copy) || (options.wants && !options.wants(event.source, event.action))) {
      result.skipped = 1;
      return result;
    }
    this.seen.set(copy, true);
    this.keys.set(event, key);
    result.events.push(event);
    return result;
  }
}

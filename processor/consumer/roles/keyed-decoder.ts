import type { _Record } from '@aws-sdk/client-kinesis';
import { LRUCache } from 'lru-cache';
import { decodeEvent } from '../../../schemas/codec.js';
import type { SecurityEvent } from '../../../schemas/types.js';
import type { DecodeOptions, DecodeResult, Origin } from '../../decode/index.js';

/** How many (partition key, event id) pairs are remembered to drop re-published copies, default 100 000. */
const DEFAULT_SEEN = 100_000;
const HEAD_BYTES = 256;

/**
 * The detect role's record decoder: each keyed-stream record is one Avro SecurityEvent (schemas/codec.ts).
 * It remembers the partition key each event arrived under (`keyOf`), so a detection sees only the copies
 * published for its own key, and drops a copy whose (key, event id) it already decoded: ingest publishes
 * at least once (a retried PutRecords, a source shard replayed after takeover), windows must not count twice.
 *
 *   const decoder = new KeyedEventDecoder();
 *   new Worker({ ...options, decoder: decoder.decode }); decoder.keyOf(event); // '111122223333'
 */
export class KeyedEventDecoder {
  private readonly keys = new WeakMap<SecurityEvent, string>();
  private readonly seen: LRUCache<string, true>;

  constructor(o: { maxSeen?: number } = {}) {
    this.seen = new LRUCache({ max: o.maxSeen ?? DEFAULT_SEEN });
  }

  /** The partition key this event object was read under; undefined for an event not decoded here. */
  keyOf(event: SecurityEvent): string | undefined {
    return this.keys.get(event);
  }

  readonly decode = (record: _Record, origin: Origin, options: DecodeOptions): DecodeResult => {
    const data = record.Data ?? new Uint8Array();
    const result: DecodeResult = { events: [], deadLetters: [], ignored: 0, skipped: 0 };
    let event: SecurityEvent;
    try {
      event = decodeEvent(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    } catch (error) {
      const detail = `not an Avro SecurityEvent: ${error instanceof Error ? error.message : String(error)}`;
      const head = Buffer.from(data.subarray(0, HEAD_BYTES)).toString('base64');
      result.deadLetters.push({ origin, reason: 'unknown_format', detail, head });
      return result;
    }
    const key = record.PartitionKey ?? '';
    const copy = `${key}\u0000${event.id}`;
    if (this.seen.has(copy) || (options.wants && !options.wants(event.source, event.action))) {
      result.skipped = 1;
      return result;
    }
    this.seen.set(copy, true);
    this.keys.set(event, key);
    result.events.push(event);
    return result;
  };
}

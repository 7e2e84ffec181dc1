import { createHash } from 'node:crypto';
import type { _Record } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { encodeEvent } from '../../../schemas/codec.js';
import type { JsonObject } from '../../../schemas/types.js';
import { runInstancesRecord } from '../../../test/cloudtrail.js';
import { testEvent } from '../../../test/events.js';
import type { Origin } from '../../decode/index.js';
import { KeyedEventDecoder } from './keyed-decoder.js';

const ACCOUNT = '111122223333';
const event = testEvent({
  id: 'evt-1',
  time: 1_700_000_000_000,
  action: 'signin:ConsoleLogin',
  srcIp: '203.0.113.7',
  raw: { eventName: 'ConsoleLogin' },
});
const avro = encodeEvent(event);

function record(data: Uint8Array | undefined, key = ACCOUNT): _Record {
  return {
    SequenceNumber: '1',
    PartitionKey: key,
    ...(data === undefined ? {} : { Data: data }),
  } as _Record;
}

function origin(offset: string): Origin {
  return { input: 'shardId-000000000000', offset };
}

/** 600 fixed pseudo-random bytes (SHA-256 chain), the same in every run. */
function randomBytes(): Buffer {
  const blocks: Buffer[] = [];
  let block = Buffer.from('keyed-decoder');
  while (blocks.length * 32 < 600) {
    block = createHash('sha256').update(block).digest();
    blocks.push(block);
  }
  return Buffer.concat(blocks).subarray(0, 600);
}

const json: JsonObject = runInstancesRecord(ACCOUNT, 1_700_000_000_000, 'm5.large', 1);

describe('KeyedEventDecoder', () => {
  it('decodes an Avro SecurityEvent and remembers its partition key', () => {
    const decoder = new KeyedEventDecoder();
    const result = decoder.decode(record(avro, '203.0.113.7'), origin('1'), {});
    expect(result).toEqual({ events: [event], deadLetters: [], ignored: 0, skipped: 0 });
    expect(decoder.keyOf(result.events[0] as typeof event)).toBe('203.0.113.7');
    // Only the object decoded here is known: keys are per decoded event object.
    expect(decoder.keyOf(event)).toBeUndefined();
  });

  it.each([
    ['empty Data', new Uint8Array()],
    ['missing Data', undefined],
    ['random bytes', randomBytes()],
    ['truncated Avro', avro.subarray(0, avro.length - 5)],
    ['Avro with trailing bytes', Buffer.concat([avro, Buffer.from([0, 1, 2])])],
    ['a JSON CloudTrail record', Buffer.from(JSON.stringify(json))],
  ])('dead-letters %s as unknown_format, with origin and head', (_, data) => {
    const decoder = new KeyedEventDecoder();
    const result = decoder.decode(record(data), origin('42'), {});
    const bytes = Buffer.from(data ?? new Uint8Array());
    expect(result.events).toEqual([]);
    expect(result.ignored).toBe(0);
    expect(result.skipped).toBe(0);
    expect(result.deadLetters).toHaveLength(1);
    const [deadLetter] = result.deadLetters;
    expect(deadLetter?.reason).toBe('unknown_format');
    expect(deadLetter?.origin).toEqual(origin('42'));
    expect(deadLetter?.head).toBe(bytes.subarray(0, 256).toString('base64'));
    expect(deadLetter?.detail).toMatch(/^not an Avro SecurityEvent: /);
  });

  it('keeps only the first 256 bytes of a long bad record in head', () => {
    const data = Buffer.from(JSON.stringify(json));
    expect(data.length).toBeGreaterThan(256);
    const [deadLetter] = new KeyedEventDecoder().decode(record(data), origin('7'), {}).deadLetters;
    expect(Buffer.from(deadLetter?.head ?? '', 'base64')).toEqual(data.subarray(0, 256));
  });

  it('decodes a good record between bad ones', () => {
    const decoder = new KeyedEventDecoder();
    const results = [
      decoder.decode(record(randomBytes()), origin('1'), {}),
      decoder.decode(record(avro), origin('2'), {}),
      decoder.decode(record(new Uint8Array()), origin('3'), {}),
    ];
    expect(results.map((r) => r.events.map((e) => e.id))).toEqual([[], ['evt-1'], []]);
    expect(results.map((r) => r.deadLetters.map((d) => d.origin.offset))).toEqual([['1'], [], ['3']]);
  });

  it('decodes Data that is a view into a larger buffer', () => {
    const padded = Buffer.concat([Buffer.from('xxxx'), avro, Buffer.from('yyyy')]);
    const view = new Uint8Array(padded.buffer, padded.byteOffset + 4, avro.length);
    const result = new KeyedEventDecoder().decode(record(view), origin('1'), {});
    expect(result.events).toEqual([event]);
  });

  it('skips a second copy under the same key, keeps the event under another key', () => {
    const decoder = new KeyedEventDecoder();
    const first = decoder.decode(record(avro, ACCOUNT), origin('1'), {});
    const again = decoder.decode(record(avro, ACCOUNT), origin('2'), {});
    const otherKey = decoder.decode(record(avro, '203.0.113.7'), origin('3'), {});
    expect(first.events.map((e) => e.id)).toEqual(['evt-1']);
    expect(again).toEqual({ events: [], deadLetters: [], ignored: 0, skipped: 1 });
    expect(otherKey.events.map((e) => e.id)).toEqual(['evt-1']);
    expect(otherKey.skipped).toBe(0);
    expect(decoder.keyOf(first.events[0] as typeof event)).toBe(ACCOUNT);
    expect(decoder.keyOf(otherKey.events[0] as typeof event)).toBe('203.0.113.7');
  });

  it('forgets the oldest copies beyond maxSeen', () => {
    const decoder = new KeyedEventDecoder({ maxSeen: 1 });
    const other = encodeEvent({ ...event, id: 'evt-2' });
    expect(decoder.decode(record(avro), origin('1'), {}).events).toHaveLength(1);
    expect(decoder.decode(record(other), origin('2'), {}).events).toHaveLength(1);
    expect(decoder.decode(record(avro), origin('3'), {}).events).toHaveLength(1);
  });

  it('skips an event the wants prefilter rejects, and asks it with source and action', () => {
    const decoder = new KeyedEventDecoder();
    const asked: string[] = [];
    const result = decoder.decode(record(avro), origin('1'), {
      wants: (source, action) => {
        asked.push(`${source} ${action}`);
        return false;
      },
    });
    expect(result).toEqual({ events: [], deadLetters: [], ignored: 0, skipped: 1 });
    expect(asked).toEqual(['cloudtrail signin:ConsoleLogin']);
    expect(decoder.decode(record(avro), origin('2'), { wants: () => true }).events).toEqual([event]);
  });
});

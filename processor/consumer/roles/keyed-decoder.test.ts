import { createHash } from 'node:crypto';
import type { _Record } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../schemas/types.js';
import { runInstancesRecord } from '../../../test/cloudtrail.js';
import { testEvent } from '../../../test/events.js';
import type { Origin } from '../../decode/index.js';
import { KeyedRecordDecoder } from './keyed-decoder.js';
import { encodeKeyedRecord } from './keyed-record.js';

const ACCOUNT = '111122223333';
const event = testEvent({
  id: 'evt-1',
  time: 1_700_000_000_000,
  action: 'signin:ConsoleLogin',
  srcIp: '203.0.113.7',
  raw: { eventName: 'ConsoleLogin' },
});
const WATERMARK = 1_699_999_700_000;
const avro = encodeKeyedRecord({
  watermark: WATERMARK,
  origin: 'shardId-000000000003:4960:0',
  event,
  finding: null,
});

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

describe('KeyedRecordDecoder', () => {
  it('decodes an Avro SecurityEvent and remembers its partition key', () => {
    const decoder = new KeyedRecordDecoder();
    const result = decoder.decode(record(avro, '203.0.113.7'), origin('1'), {});
    expect(result).toEqual({
      events: [event],
      deadLetters: [],
      ignored: 0,
      skipped: 0,
      watermark: WATERMARK,
      partitionKey: '203.0.113.7',
    });
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
    const decoder = new KeyedRecordDecoder();
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
    expect(deadLetter?.detail).toMatch(/^not a keyed-stream record: /);
  });

  it('keeps only the first 256 bytes of a long bad record in head', () => {
    const data = Buffer.from(JSON.stringify(json));
    expect(data.length).toBeGreaterThan(256);
    const [deadLetter] = new KeyedRecordDecoder().decode(record(data), origin('7'), {}).deadLetters;
    expect(Buffer.from(deadLetter?.head ?? '', 'base64')).toEqual(data.subarray(0, 256));
  });

  it('decodes a good record between bad ones', () => {
    const decoder = new KeyedRecordDecoder();
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
    const result = new KeyedRecordDecoder().decode(record(view), origin('1'), {});
    expect(result.events).toEqual([event]);
  });

  it('keeps the same event read from another source record (a duplicate delivery is two events, as in replay)', () => {
    const decoder = new KeyedRecordDecoder();
    const elsewhere = encodeKeyedRecord({
      watermark: null,
      origin: 'shardId-000000000001:77:0',
      event,
      finding: null,
    });
    expect(decoder.decode(record(avro), origin('1'), {}).events).toHaveLength(1);
    expect(decoder.decode(record(elsewhere), origin('2'), {}).events).toHaveLength(1);
    expect(decoder.decode(record(elsewhere), origin('3'), {}).events).toHaveLength(0); // its own copy
  });

  it('skips a second copy under the same key, keeps the event under another key', () => {
    const decoder = new KeyedRecordDecoder();
    const first = decoder.decode(record(avro, ACCOUNT), origin('1'), {});
    const again = decoder.decode(record(avro, ACCOUNT), origin('2'), {});
    const otherKey = decoder.decode(record(avro, '203.0.113.7'), origin('3'), {});
    expect(first.events.map((e) => e.id)).toEqual(['evt-1']);
    expect(again).toEqual({
      events: [],
      deadLetters: [],
      ignored: 0,
      skipped: 1,
      watermark: WATERMARK,
      partitionKey: ACCOUNT,
    });
    expect(otherKey.events.map((e) => e.id)).toEqual(['evt-1']);
    expect(otherKey.skipped).toBe(0);
    expect(decoder.keyOf(first.events[0] as typeof event)).toBe(ACCOUNT);
    expect(decoder.keyOf(otherKey.events[0] as typeof event)).toBe('203.0.113.7');
  });

  it('forgets the oldest copies beyond maxSeen', () => {
    const decoder = new KeyedRecordDecoder({ maxSeen: 1 });
    const other = encodeKeyedRecord({
      watermark: null,
      origin: 'o2',
      event: { ...event, id: 'evt-2' },
      finding: null,
    });
    expect(decoder.decode(record(avro), origin('1'), {}).events).toHaveLength(1);
    expect(decoder.decode(record(other), origin('2'), {}).events).toHaveLength(1);
    expect(decoder.decode(record(avro), origin('3'), {}).events).toHaveLength(1);
  });

  it('skips an event the wants prefilter rejects, and asks it with source and action', () => {
    const decoder = new KeyedRecordDecoder();
    const asked: string[] = [];
    const result = decoder.decode(record(avro), origin('1'), {
      wants: (source, action) => {
        asked.push(`${source} ${action}`);
        return false;
      },
    });
    expect(result).toEqual({
      events: [],
      deadLetters: [],
      ignored: 0,
      skipped: 1,
      watermark: WATERMARK,
      partitionKey: ACCOUNT,
    });
    expect(asked).toEqual(['cloudtrail signin:ConsoleLogin']);
    expect(decoder.decode(record(avro), origin('2'), { wants: () => true }).events).toEqual([event]);
  });

  it('passes on a carried finding and a heartbeat (a watermark alone), which no copy check drops', () => {
    const decoder = new KeyedRecordDecoder();
    const finding = {
      id: 'f-1',
      detection: 'iam-root-account-usage',
      title: 'root',
      description: '',
      severity: 'high' as const,
      tier: 'alert' as const,
      riskScore: 75,
      time: 1_700_000_000_000,
      window: null,
      account: ACCOUNT,
      region: 'us-east-1',
      principal: null,
      resources: [],
      mitre: [],
      evidence: ['evt-1'],
      count: 1,
      runbook: 'https://example.com',
      remediation: 'r',
      dedupKey: ACCOUNT,
      context: {},
    };
    const carried = encodeKeyedRecord({ watermark: WATERMARK, origin: 's:1:f-1', event: null, finding });
    const heartbeat = encodeKeyedRecord({
      watermark: WATERMARK + 1,
      origin: null,
      event: null,
      finding: null,
    });
    const first = decoder.decode(record(carried), origin('1'), {});
    expect(first.findings).toEqual([finding]);
    expect(first.events).toEqual([]);
    // A copy (ingest published it again) is dropped; the same finding made from another record is not a copy.
    expect(decoder.decode(record(carried), origin('2'), {}).findings).toBeUndefined();
    const again = encodeKeyedRecord({ watermark: WATERMARK, origin: 's:9:f-1', event: null, finding });
    expect(decoder.decode(record(again), origin('3'), {}).findings).toEqual([finding]);
    expect(decoder.decode(record(heartbeat, 'watermark'), origin('4'), {})).toEqual({
      events: [],
      deadLetters: [],
      ignored: 0,
      skipped: 0,
      watermark: WATERMARK + 1,
      partitionKey: 'watermark',
    });
  });
});

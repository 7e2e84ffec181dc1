import { describe, expect, it } from 'vitest';
import type { SecurityEvent } from '../../../schemas/types.js';
import { testEvent } from '../../../test/events.js';
import { normalisePartitionKey, partitionKeyOf } from './partition-key.js';

const event = testEvent({ id: 'e1', time: 1_000, account: '111122223333', srcIp: '203.0.113.7' });
const bySourceIp = { stateful: { partitionKey: (e: SecurityEvent) => e.srcIp ?? '' } };

describe('partitionKeyOf', () => {
  it('uses the account when the detection declares no key of its own', () => {
    expect(partitionKeyOf({ stateful: {} }, event)).toBe('111122223333');
    expect(partitionKeyOf({}, event)).toBe('111122223333');
  });

  it("uses the detection's own partitionKey", () => {
    expect(partitionKeyOf(bySourceIp, event)).toBe('203.0.113.7');
  });

  it("maps an empty key, or no account, to 'none'", () => {
    expect(partitionKeyOf(bySourceIp, { ...event, srcIp: null })).toBe('none');
    expect(partitionKeyOf({}, { ...event, account: null })).toBe('none');
  });

  it('is null when the detection says it ignores the event (not published for it)', () => {
    const ignoresAll = { stateful: { partitionKey: () => null } };
    expect(partitionKeyOf(ignoresAll, event)).toBeNull();
  });

  it('cuts a long key to 256 Unicode code points', () => {
    const long = { stateful: { partitionKey: () => '🔑'.repeat(300) } };
    const key = partitionKeyOf(long, event) ?? '';
    expect([...key]).toHaveLength(256);
    expect(key).toBe('🔑'.repeat(256));
    // Not cut in the middle of a surrogate pair: 256 code points are 512 UTF-16 units.
    expect(key).toHaveLength(512);
  });
});

describe('normalisePartitionKey', () => {
  it("maps empty and null to 'none'", () => {
    expect(normalisePartitionKey('')).toBe('none');
    expect(normalisePartitionKey(null)).toBe('none');
  });

  it('keeps a key of up to 256 code points as is and cuts a longer one', () => {
    expect(normalisePartitionKey('a'.repeat(256))).toBe('a'.repeat(256));
    expect(normalisePartitionKey(`${'a'.repeat(255)}🔑🔑`)).toBe(`${'a'.repeat(255)}🔑`);
    expect(normalisePartitionKey('111122223333')).toBe('111122223333');
  });
});

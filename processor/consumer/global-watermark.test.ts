import { describe, expect, it } from 'vitest';
import { globalWatermark } from './global-watermark.js';
import { type Lease, SHARD_END, TRIM_HORIZON } from './lease-table.js';

const lease = (leaseKey: string, o: Partial<Lease> = {}): Lease => ({
  leaseKey,
  leaseOwner: 'task',
  leaseCounter: 1,
  checkpoint: '4960',
  checkpointSubSequenceNumber: 0,
  ownerSwitchesSinceCheckpoint: 0,
  parentShardIds: [],
  childShardIds: [],
  startingHashKey: null,
  endingHashKey: null,
  snapshot: null,
  watermark: null,
  idle: false,
  ...o,
});

describe('globalWatermark', () => {
  it('is the lowest promise over shards still to be read; one never checkpointed holds it at -Infinity', () => {
    expect(globalWatermark([lease('a', { watermark: 3000 }), lease('b', { watermark: 1000 })])).toBe(1000);
    expect(globalWatermark([lease('a', { watermark: 3000 }), lease('b', { checkpoint: TRIM_HORIZON })])).toBe(
      Number.NEGATIVE_INFINITY,
    );
  });

  it('leaves out finished shards, children whose parents are not done, and idle shards', () => {
    const leases = [
      lease('parent', { checkpoint: SHARD_END, watermark: 500 }),
      lease('open', { watermark: 4000, parentShardIds: [] }),
      lease('child-of-busy', { parentShardIds: ['busy'] }),
      lease('busy', { watermark: 2500 }),
      lease('quiet', { watermark: 900, idle: true }),
    ];
    expect(globalWatermark(leases)).toBe(2500);
  });

  it("takes the worker's own view of its shards over the table", () => {
    const leases = [lease('a', { watermark: 3000 }), lease('b', { watermark: 1000, idle: true })];
    // Records arrived on b: not idle any more, and its promise moved on since its last write.
    expect(globalWatermark(leases, new Map([['b', { idle: false, watermark: 1500 }]]))).toBe(1500);
    // Every shard idle: the highest promise.
    expect(globalWatermark(leases, new Map([['a', { idle: true, watermark: 3000 }]]))).toBe(3000);
  });

  it('has nothing to promise before any shard was checkpointed with a watermark', () => {
    expect(globalWatermark([lease('a', { idle: true })])).toBeUndefined();
  });
});

import { createHash } from 'node:crypto';

/** A shard's range of 128-bit partition-key hashes, both ends included (ListShards HashKeyRange). */
export interface HashRange {
  start: bigint;
  end: bigint;
}

/**
 * The hash Kinesis maps a partition key to: MD5 of its UTF-8 bytes as an unsigned 128-bit integer.
 *
 *   inRange(partitionKeyHash('111122223333'), { start: 0n, end: 2n ** 127n - 1n });
 */
export function partitionKeyHash(partitionKey: string): bigint {
  return BigInt(`0x${createHash('md5').update(partitionKey, 'utf8').digest('hex')}`);
}

export function inRange(hash: bigint, range: HashRange): boolean {
  return hash >= range.start && hash <= range.end;
}

/** A lease's hash range, when the lease records one. */
export function hashRangeOf(lease: {
  startingHashKey: string | null;
  endingHashKey: string | null;
}): HashRange | null {
  if (lease.startingHashKey === null || lease.endingHashKey === null) return null;
  return { start: BigInt(lease.startingHashKey), end: BigInt(lease.endingHashKey) };
}

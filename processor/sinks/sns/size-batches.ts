/**
 * Splits items, in order, into batches of at most `maxEntries` items and `maxBytes` bytes in total
 * (an item larger than `maxBytes` alone goes in a batch of its own).
 *
 *   batchesBySize([a, b, c], { maxEntries: 10, maxBytes: 262_144, bytes: (entry) => entry.bytes });
 *   // [[a, b], [c]] when c does not fit beside a and b
 */
export function batchesBySize<T>(
  items: readonly T[],
  o: { maxEntries: number; maxBytes: number; bytes: (item: T) => number },
): T[][] {
  const batches: T[][] = [];
  let batch: T[] = [];
  let batchBytes = 0;
  for (const item of items) {
    const bytes = o.bytes(item);
    if (batch.length > 0 && (batch.length >= o.maxEntries || batchBytes + bytes > o.maxBytes)) {
      batches.push(batch);
      batch = [];
      batchBytes = 0;
    }
    batch.push(item);
    batchBytes += bytes;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

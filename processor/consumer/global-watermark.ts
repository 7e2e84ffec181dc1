import { type Lease, SHARD_END } from './lease-table.js';
import { parentsDone } from './shard-sync.js';

/** What a worker knows of a source shard it holds, fresher than its last write to the lease table. */
export interface OwnShard {
  idle: boolean;
  watermark: number | null;
}

/**
 * Ingest's watermark over the whole source stream: the lowest promise of the source shards (Lease.watermark)
 * still to be read — not finished, parents done, not idle. A shard without a promise yet holds it at -Infinity:
 * its records may be of any age. When every shard is idle it is the highest promise. `own` overrides the table
 * for the shards this worker holds.
 *
 *   globalWatermark(await table.list(), new Map([['shardId-000000000001', { idle: false, watermark: 1 }]]));
 */
export function globalWatermark(
  leases: readonly Lease[],
  own: ReadonlyMap<string, OwnShard> = new Map(),
): number | undefined {
  const known = leases.map((lease) => ({ ...lease, ...own.get(lease.leaseKey) }));
  const open = known.filter((lease) => lease.checkpoint !== SHARD_END && parentsDone(lease, leases));
  const busy = open.filter((lease) => !lease.idle);
  if (busy.length > 0) return Math.min(...busy.map((lease) => lease.watermark ?? Number.NEGATIVE_INFINITY));
  const promised = known.flatMap((lease) => (lease.watermark === null ? [] : [lease.watermark]));
  return promised.length > 0 ? Math.max(...promised) : undefined;
}

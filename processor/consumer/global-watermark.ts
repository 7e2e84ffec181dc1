import { type Lease, SHARD_END } from './lease-table.js';
import { parentsDone } from './shard-sync.js';

/**
 * Ingest's watermark over the whole source stream: the lowest watermark the source shards' checkpoints promise
 * (Lease.watermark), over the shards still to be read — not finished, parents done, not idle. A shard without a
 * promise yet (never checkpointed) holds it at -Infinity: its records may be of any age. When every shard is
 * idle it is the highest promise. `own` overrides the table for the shards this worker holds: idle (caught up
 * and fully checkpointed) or not, as the worker knows before its next write.
 *
 *   globalWatermark(await table.list(), new Map([['shardId-000000000001', false]])); // 1764000000000
 */
export function globalWatermark(
  leases: readonly Lease[],
  own: ReadonlyMap<string, boolean> = new Map(),
): number | undefined {
  const open = leases.filter((lease) => lease.checkpoint !== SHARD_END && parentsDone(lease, leases));
  const busy = open.filter((lease) => !(own.get(lease.leaseKey) ?? lease.idle));
  if (busy.length > 0) return Math.min(...busy.map((lease) => lease.watermark ?? Number.NEGATIVE_INFINITY));
  const promised = leases.flatMap((lease) => (lease.watermark === null ? [] : [lease.watermark]));
  return promised.length > 0 ? Math.max(...promised) : undefined;
}

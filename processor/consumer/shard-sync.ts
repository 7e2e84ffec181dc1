import { type KinesisClient, ListShardsCommand, type Shard } from '@aws-sdk/client-kinesis';
import { DEFAULT_RETRY_POLICY, isRetriableAwsError, retry } from '../sinks/retry.js';
import { type Lease, type LeaseTable, SHARD_END, TRIM_HORIZON } from './lease-table.js';

export interface SyncShardsOptions {
  kinesis: KinesisClient;
  streamName: string;
  table: LeaseTable;
  /** Where shards with no tracked ancestor start; descendants of tracked shards always start at TRIM_HORIZON. */
  initialPosition: 'TRIM_HORIZON' | 'LATEST';
  /** ListShards MaxResults (the API's default is 1000; tests use small pages). */
  pageSize?: number;
}

/**
 * Creates a lease for every shard that needs one (ListShards, all pages), with its parents (ParentShardId,
 * AdjacentParentShardId) and hash range; returns how many leases it created. Existing leases are left alone,
 * so every worker may run it at any time. Checkpoints of new leases:
 * - a shard descending from a shard with a lease (a split or merge child): TRIM_HORIZON, so nothing written to it
 *   between the resharding and this sync is skipped; it is read once its parents reach SHARD_END (parentsDone);
 * - any other shard: `initialPosition`, except that with LATEST a closed shard gets no lease (nothing new can
 *   arrive in it), like KCL's AT_LATEST shard filter on an empty lease table.
 *
 *   await syncShards({ kinesis, streamName: 'events', table, initialPosition: 'LATEST' }); // 4 on a new 4-shard stream
 *   await syncShards({ kinesis, streamName: 'events', table, initialPosition: 'LATEST' }); // 0
 */
export async function syncShards(o: SyncShardsOptions): Promise<number> {
  const shards = await listShards(o.kinesis, o.streamName, o.pageSize);
  const existing = new Set((await o.table.list()).map((lease) => lease.leaseKey));
  const byId = new Map(shards.map((shard) => [shard.ShardId ?? '', shard]));
  /** Checkpoints for shards without a lease; null = the shard needs none. */
  const planned = new Map<string, string | null>();
  const tracked = (id: string): boolean => {
    const shard = byId.get(id);
    return existing.has(id) || (shard !== undefined && checkpointOf(shard) !== null);
  };
  const checkpointOf = (shard: Shard): string | null => {
    const id = shard.ShardId ?? '';
    const known = planned.get(id);
    if (known !== undefined) return known;
    planned.set(id, null); // a parent cycle (impossible in Kinesis) must not recurse forever
    const closed = shard.SequenceNumberRange?.EndingSequenceNumber !== undefined;
    const checkpoint = parentIds(shard).some(tracked)
      ? TRIM_HORIZON
      : closed && o.initialPosition === 'LATEST'
        ? null
        : o.initialPosition;
    planned.set(id, checkpoint);
    return checkpoint;
  };

  let created = 0;
  for (const shard of shards) {
    const leaseKey = shard.ShardId;
    if (leaseKey === undefined || existing.has(leaseKey)) continue;
    const checkpoint = checkpointOf(shard);
    if (checkpoint === null) continue;
    const isNew = await o.table.createIfNotExists({
      leaseKey,
      checkpoint,
      parentShardIds: parentIds(shard),
      startingHashKey: shard.HashKeyRange?.StartingHashKey ?? null,
      endingHashKey: shard.HashKeyRange?.EndingHashKey ?? null,
    });
    if (isNew) created += 1;
  }
  return created;
}

/**
 * True when the lease's shard may be read: each parent has reached SHARD_END or has no lease (trimmed, cleaned
 * up, or never tracked), as KCL's BlockOnParentShardTask decides.
 *
 *   parentsDone(child, await table.list()); // false while a parent is still being read
 */
export function parentsDone(lease: Lease, all: readonly Lease[]): boolean {
  return lease.parentShardIds.every((parentId) => {
    const parent = all.find((candidate) => candidate.leaseKey === parentId);
    return parent === undefined || parent.checkpoint === SHARD_END;
  });
}

/**
 * The shards that name `shardId` as a parent, sorted: the children of a closed shard when its last GetRecords
 * did not list them (kinesis-local sometimes leaves ChildShards out for one parent of a merge).
 *
 *   await childShardsOf(kinesis, 'events', 'shardId-000000000001'); // ['shardId-000000000005']
 */
export async function childShardsOf(
  kinesis: KinesisClient,
  streamName: string,
  shardId: string,
): Promise<string[]> {
  return (await listShards(kinesis, streamName))
    .filter((shard) => parentIds(shard).includes(shardId))
    .map((shard) => shard.ShardId ?? '')
    .sort();
}

/** All shards of the stream, sorted by shard id (parents sort before their children). */
async function listShards(kinesis: KinesisClient, streamName: string, pageSize?: number): Promise<Shard[]> {
  const shards: Shard[] = [];
  let nextToken: string | undefined;
  do {
    // With NextToken the stream name must be omitted.
    const input = {
      ...(nextToken === undefined ? { StreamName: streamName } : { NextToken: nextToken }),
      ...(pageSize === undefined ? {} : { MaxResults: pageSize }),
    };
    const page = await retry(() => kinesis.send(new ListShardsCommand(input)), {
      policy: DEFAULT_RETRY_POLICY,
      retriable: isRetriableAwsError,
    });
    shards.push(...(page.Shards ?? []));
    nextToken = page.NextToken;
  } while (nextToken !== undefined);
  return shards.sort((a, b) => ((a.ShardId ?? '') < (b.ShardId ?? '') ? -1 : 1));
}

function parentIds(shard: Shard): string[] {
  return [shard.ParentShardId, shard.AdjacentParentShardId].filter((id): id is string => id !== undefined);
}

import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import avro from 'avsc';
import { findingType } from '../../schemas/codec.js';
import type { FindingWindow } from '../../schemas/types.js';
import type { RestorePoint, SavedBucket } from '../pipeline/dedup-stage.js';
import type { SavedDedup } from '../pipeline/pipeline.js';

/**
 * What a keyed shard's engine saves with a checkpoint (engine-snapshot.avsc): where the taker replays from
 * and what it restores. The replay covers what the snapshot cannot hold (open windows): see KeyedEngine.
 */
export interface EngineSnapshot {
  shard: string;
  /** The checkpointed sequence number: the taker reads after it (null: from the shard's start). */
  replayFrom: string | null;
  /** The engine's watermark right after the replayFrom record: the taker starts at it. */
  watermark: number;
  /** The greatest event time up to the replayFrom record. */
  maxTime: number;
  /** The state snapshot has learned every event up to this time; findings that may rest on earlier events were emitted and acked. */
  learnedUpTo: number;
  /** Every dedup merge made up to here is in `dedup`. */
  point: RestorePoint;
  /** processor/state/state-snapshot.avsc */
  state: Buffer;
  dedup: SavedDedup;
}

interface Encoded {
  shard: string;
  replayFrom: string | null;
  watermark: number;
  maxTime: number;
  learnedUpTo: number;
  through: Record<string, string>;
  stepWatermark: number;
  state: Buffer;
  dedup: (Omit<SavedBucket['bucket'], 'window'> & {
    window: FindingWindow | null;
    closed: boolean;
    partitionKey: string | null;
    merged: string[];
  })[];
}

const snapshotType = avro.Type.forSchema(
  JSON.parse(readFileSync(new URL('./engine-snapshot.avsc', import.meta.url), 'utf8')) as avro.Schema,
  { registry: { 'shardwatch.Finding': findingType } as unknown as { [name: string]: avro.Type } },
);

/** Avro, gzipped (facts and findings compress well, and DynamoDB items are limited to 400 KB). */
export function encodeEngineSnapshot(snapshot: EngineSnapshot): Buffer {
  const encoded: Encoded = {
    shard: snapshot.shard,
    replayFrom: snapshot.replayFrom,
    watermark: snapshot.watermark,
    maxTime: snapshot.maxTime,
    learnedUpTo: snapshot.learnedUpTo,
    through: Object.fromEntries(
      Object.entries(snapshot.point.through).map(([shard, sequence]) => [shard, sequence.toString()]),
    ),
    stepWatermark: snapshot.point.watermark,
    state: snapshot.state,
    dedup: Object.values(snapshot.dedup).flatMap((buckets) =>
      buckets.map(({ bucket, closed, partitionKey, merged }) => ({
        ...bucket,
        closed,
        partitionKey,
        merged,
      })),
    ),
  };
  return gzipSync(snapshotType.toBuffer(encoded));
}

/** Throws on bytes that are not an encoded EngineSnapshot. */
export function decodeEngineSnapshot(bytes: Buffer): EngineSnapshot {
  // structuredClone: plain objects instead of avsc's record classes, equal to what the engine built.
  const encoded = structuredClone(snapshotType.fromBuffer(gunzipSync(bytes))) as Encoded;
  const dedup: SavedDedup = {};
  for (const { closed, partitionKey, merged, ...bucket } of encoded.dedup) {
    const saved: SavedBucket = { bucket, closed, partitionKey, merged };
    dedup[bucket.detection] = [...(dedup[bucket.detection] ?? []), saved];
  }
  return {
    shard: encoded.shard,
    replayFrom: encoded.replayFrom,
    watermark: encoded.watermark,
    maxTime: encoded.maxTime,
    learnedUpTo: encoded.learnedUpTo,
    point: {
      through: Object.fromEntries(
        Object.entries(encoded.through).map(([shard, sequence]) => [shard, BigInt(sequence)]),
      ),
      watermark: encoded.stepWatermark,
    },
    state: Buffer.from(encoded.state),
    dedup,
  };
}

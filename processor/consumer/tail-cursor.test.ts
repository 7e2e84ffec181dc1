import type { _Record } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { encodeKeyedRecord } from './roles/keyed-record.js';
import type { ShardBatch } from './shard-reader.js';
import { ChainedTails, MergedTails, ShardTail, type TailCursor } from './tail-cursor.js';

/** A closed shard whose records carry these watermarks (null: none), read two per batch. */
function shard(name: string, watermarks: readonly (number | null)[]): { read(): Promise<ShardBatch> } {
  const records: _Record[] = watermarks.map((watermark, index) => ({
    SequenceNumber: String(index + 1),
    PartitionKey: `${name}-${index + 1}`,
    Data: encodeKeyedRecord({ watermark, origin: null, event: null, finding: null }),
  }));
  let next = 0;
  return {
    read: async () => {
      const batch = records.slice(next, next + 2);
      next += 2;
      return { records: batch, millisBehindLatest: 0, shardEnd: next >= records.length, childShardIds: [] };
    },
  };
}

/** `shard:sequence@key` of everything a cursor yields. */
async function drain(cursor: TailCursor): Promise<string[]> {
  const out: string[] = [];
  for (let head = await cursor.peek(); head; head = await cursor.peek()) {
    const key = cursor.key();
    cursor.take();
    out.push(`${head.shard}:${head.record.SequenceNumber}@${key}`);
  }
  return out;
}

describe('tail cursors', () => {
  it('a shard tail keys each record by the running maximum of the watermarks carried, from its start', async () => {
    expect(await drain(new ShardTail('a', shard('a', [5, 3, null, 9]), 4))).toEqual([
      'a:1@5',
      'a:2@5',
      'a:3@5',
      'a:4@9',
    ]);
  });

  it('merged tails interleave by that key, each keeping its own order', async () => {
    const merged = new MergedTails([
      new ShardTail('a', shard('a', [10, 2, 30]), Number.NEGATIVE_INFINITY),
      new ShardTail('b', shard('b', [5, 20, 25]), Number.NEGATIVE_INFINITY),
    ]);
    expect(await drain(merged)).toEqual(['b:1@5', 'a:1@10', 'a:2@10', 'b:2@20', 'b:3@25', 'a:3@30']);
  });

  it('a chained tail continues the watermark of what came before into its own records', async () => {
    const chained = new ChainedTails(
      new MergedTails([new ShardTail('parent', shard('parent', [10, 40]), Number.NEGATIVE_INFINITY)]),
      new ShardTail('child', shard('child', [20, 50]), Number.NEGATIVE_INFINITY),
    );
    expect(await drain(chained)).toEqual(['parent:1@10', 'parent:2@40', 'child:1@40', 'child:2@50']);
  });
});

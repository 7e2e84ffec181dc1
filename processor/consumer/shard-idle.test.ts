import { describe, expect, it } from 'vitest';
import { CheckpointHorizon, ShardPositions } from './checkpoint-horizon.js';
import { ShardProcessor } from './shard-processor.js';
import type { ShardBatch } from './shard-reader.js';

const EMPTY: ShardBatch = { records: [], millisBehindLatest: 0, shardEnd: false, childShardIds: [] };

/**
 * Idleness in wall-clock terms (the consumer may use it: docs/architecture.md, Event time): a scripted reader stands in for
 * GetRecords, and the monotonic clock moves 10 s per read.
 */
function run(script: readonly ShardBatch[], idleTimeoutMs?: number) {
  const calls: string[] = [];
  let clock = 0;
  let reads = 0;
  const processor: ShardProcessor = new ShardProcessor({
    shardId: 'shard-0',
    reader: {
      read: async () => {
        const batch = script[reads] ?? EMPTY;
        reads += 1;
        clock += 10_000;
        calls.push(`read ${clock / 1000}s`);
        if (reads >= script.length) processor.stop();
        return batch;
      },
    },
    input: {
      open: (id) => calls.push(`open ${id}`),
      push: () => {},
      close: (id) => calls.push(`close ${id}`),
    },
    positions: new ShardPositions(new CheckpointHorizon({ clock: { watermark: 0 }, horizonMs: 0 })),
    decode: {},
    ready: async () => {},
    flush: async () => {},
    checkpoint: async () => true,
    finish: async () => true,
    idleMs: 0,
    now: () => clock,
    ...(idleTimeoutMs === undefined ? {} : { idleTimeoutMs }),
  });
  return processor.run().then(() => calls);
}

describe('ShardProcessor idleness', () => {
  it('keeps a caught-up shard holding the watermark until it has been quiet for the idle timeout (30 s)', async () => {
    expect(await run([EMPTY, EMPTY, EMPTY, EMPTY, EMPTY])).toEqual([
      'read 10s', // quiet since 10 s
      'read 20s',
      'read 30s',
      'read 40s', // 30 s quiet: closed
      'close shard-0',
      'read 50s', // the last read stops the processor before it is looked at
    ]);
  });

  it('starts the quiet period over when a read shows the shard behind', async () => {
    const behind: ShardBatch = { ...EMPTY, millisBehindLatest: 5000 };
    expect(await run([EMPTY, EMPTY, behind, EMPTY, EMPTY, EMPTY, EMPTY], 20_000)).toEqual([
      'read 10s',
      'read 20s',
      'read 30s', // behind: the quiet period starts over
      'read 40s',
      'read 50s',
      'read 60s', // quiet since 40 s: 20 s
      'close shard-0',
      'read 70s', // the last read stops the processor before it is looked at
    ]);
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { kinesisClient } from '../../test/kinesis/local.js';
import type { LatencyTask } from './worker.js';

/**
 * Child process of bench/latency/run.ts, the floor: a bare GetRecords loop per shard (no leases, no
 * processing, 50 ms pause when caught up) that reports when each trigger record came back from the
 * emulator, as `{"partitionKey": …, "receivedAt": …}` lines. What it measures is the emulator's share of
 * the latency.
 *
 *   node --import tsx bench/latency/floor.ts '{"kinesisEndpoint":…,"streamName":…}'
 */
const task = JSON.parse(process.argv[2] ?? '{}') as LatencyTask;
const kinesis = kinesisClient(task.kinesisEndpoint);
let running = true;
process.once('SIGTERM', () => {
  running = false;
});

async function drain(shardId: string): Promise<void> {
  const start = await kinesis.send(
    new GetShardIteratorCommand({
      StreamName: task.streamName,
      ShardId: shardId,
      ShardIteratorType: 'TRIM_HORIZON',
    }),
  );
  let iterator = start.ShardIterator;
  while (running && iterator !== undefined) {
    const out = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
    const receivedAt = Date.now();
    for (const record of out.Records ?? []) {
      if (record.PartitionKey?.startsWith('trigger:')) {
        process.stdout.write(`${JSON.stringify({ partitionKey: record.PartitionKey, receivedAt })}\n`);
      }
    }
    iterator = out.NextShardIterator;
    if ((out.Records ?? []).length === 0) await sleep(50);
  }
}

const shards = await kinesis.send(new ListShardsCommand({ StreamName: task.streamName }));
process.stderr.write('latency floor: reading\n');
await Promise.all((shards.Shards ?? []).map((shard) => drain(shard.ShardId as string)));
kinesis.destroy();
process.exit(0);

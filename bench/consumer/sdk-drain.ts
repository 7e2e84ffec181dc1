import { setTimeout as sleep } from 'node:timers/promises';
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { kinesisClient } from '../../test/kinesis/local.js';
import { DrainMeter, readTask, report } from './drain.js';

/**
 * Child process of run.ts, the floor: a bare GetRecords loop per shard (@aws-sdk/client-kinesis, HTTP/1.1)
 * from TRIM_HORIZON that JSON.parses every record; no leases, no checkpoints, no processing.
 *
 *   node --import tsx bench/consumer/sdk-drain.ts '{"kinesisEndpoint":…,"records":20000}'
 */
const task = readTask(process.argv[2]);
const kinesis = kinesisClient(task.kinesisEndpoint);
let records = 0;
const meter = new DrainMeter('GetRecords loop (floor)', task.records);
let done = false;
void meter.done.then(() => {
  done = true;
});

async function drainShard(shardId: string): Promise<void> {
  const start = await kinesis.send(
    new GetShardIteratorCommand({
      StreamName: task.streamName,
      ShardId: shardId,
      ShardIteratorType: 'TRIM_HORIZON',
    }),
  );
  let iterator = start.ShardIterator;
  while (iterator !== undefined && !done) {
    const out = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
    for (const record of out.Records ?? []) {
      JSON.parse(Buffer.from(record.Data ?? new Uint8Array()).toString('utf8'));
      records += 1;
    }
    meter.processed(records);
    iterator = out.NextShardIterator;
    // Caught up: the other shards hold the rest.
    if ((out.Records ?? []).length === 0 && out.MillisBehindLatest === 0) await sleep(100);
  }
}

const shards = await kinesis.send(new ListShardsCommand({ StreamName: task.streamName }));
await Promise.all((shards.Shards ?? []).map((shard) => drainShard(shard.ShardId as string)));
kinesis.destroy();
report(await meter.done);

import Kinesis from 'lifion-kinesis';
import { DrainMeter, readTask, report } from './drain.js';

/**
 * Child process of run.ts: a lifion-kinesis polling consumer (its own DynamoDB state table on the same
 * dynalite) reads the stream from TRIM_HORIZON and JSON.parses every record; prints a DrainResult once
 * all records were counted.
 *
 *   node --import tsx bench/consumer/lifion-drain.ts '{"kinesisEndpoint":…,"records":20000}'
 */
const task = readTask(process.argv[2]);
const aws = { region: 'us-east-1', accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' };
const kinesis = new Kinesis({
  ...aws,
  endpoint: task.kinesisEndpoint,
  streamName: task.streamName,
  consumerGroup: 'lifion-bench',
  initialPositionInStream: 'TRIM_HORIZON',
  createStreamIfNeeded: false,
  // Records are parsed below, as the shardwatch side parses them; lifion's own parse would be the same cost.
  shouldParseJson: false,
  // Default 250 ms between GetRecords of a shard that returned records; shardwatch reads again at once.
  pollDelay: 0,
  dynamoDb: { ...aws, endpoint: task.dynamodbEndpoint, tableName: 'lifion-bench-state' },
  logger: {
    error: (...args: unknown[]) => process.stderr.write(`lifion-drain: ${args.map(String).join(' ')}\n`),
  },
});

let records = 0;
const meter = new DrainMeter('lifion-kinesis', task.records);
kinesis.on('error', (error) => process.stderr.write(`lifion-drain: ${error.message}\n`));
kinesis.on('data', (chunk) => {
  for (const record of chunk.records) {
    JSON.parse((record.data as Buffer).toString('utf8'));
    records += 1;
  }
  meter.processed(records);
});
await kinesis.startConsumer();
const result = await meter.done;
kinesis.stopConsumer();
report(result);
// lifion leaves its pollers' and heartbeat timers behind after stopConsumer.
process.exit(0);

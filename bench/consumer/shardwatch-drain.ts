import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DEFAULT_CONFIG } from '../../processor/cli/config.js';
import { enabledDetections } from '../../processor/cli/detections.js';
import { Worker } from '../../processor/consumer/worker.js';
import { DeadLetterFile } from '../../processor/sinks/dead-letter-file.js';
import { Delivery } from '../../processor/sinks/delivery.js';
import { JsonlSink } from '../../processor/sinks/jsonl-sink.js';
import { kinesisClient } from '../../test/kinesis/local.js';
import { DrainMeter, readTask, report } from './drain.js';

/**
 * Child process of run.ts: one shardwatch Worker (role all, default catalog, JSONL sink to /dev/null)
 * drains the stream from TRIM_HORIZON; prints a DrainResult once every record went through the pipeline.
 *
 *   node --import tsx bench/consumer/shardwatch-drain.ts '{"kinesisEndpoint":…,"records":20000}'
 */
/** How often the record count is looked at: well below the run's seconds, negligible CPU. */
const POLL_MS = 10;

const task = readTask(process.argv[2]);
const kinesis = kinesisClient(task.kinesisEndpoint);
const dynamodb = new DynamoDBClient({
  endpoint: task.dynamodbEndpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' },
});
const delivery = new Delivery({
  sinks: [new JsonlSink({ path: '/dev/null' })],
  deadLetters: new DeadLetterFile('/dev/null'),
});
const { detections, params } = enabledDetections(DEFAULT_CONFIG);
const worker = new Worker({
  kinesis,
  dynamodb,
  streamName: task.streamName,
  leaseTableName: 'shardwatch-bench',
  workerId: `bench-${process.pid}`,
  detections,
  params,
  latenessMs: DEFAULT_CONFIG.latenessMs,
  state: DEFAULT_CONFIG.state,
  delivery,
  initialPosition: 'TRIM_HORIZON',
  onError: (error, context) => process.stderr.write(`shardwatch-drain: ${context}: ${String(error)}\n`),
});

const meter = new DrainMeter('shardwatch Worker', task.records);
await worker.start();
const poll = setInterval(
  () => meter.processed(worker.shards().reduce((sum, shard) => sum + shard.records, 0)),
  POLL_MS,
);
const result = await meter.done;
clearInterval(poll);
await worker.stop();
await delivery.close();
kinesis.destroy();
dynamodb.destroy();
report(result);

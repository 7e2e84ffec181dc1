import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DEFAULT_CONFIG } from '../../processor/cli/config.js';
import { enabledDetections } from '../../processor/cli/detections.js';
import { Worker } from '../../processor/consumer/worker.js';
import { DeadLetterFile } from '../../processor/sinks/dead-letter-file.js';
import { Delivery } from '../../processor/sinks/delivery.js';
import type { BatchOutcome, FindingSink } from '../../processor/sinks/sink.js';
import type { Finding } from '../../schemas/types.js';
import { kinesisClient } from '../../test/kinesis/local.js';

/** What run.ts hands the worker child (JSON in argv[2]). */
export interface LatencyTask {
  kinesisEndpoint: string;
  dynamodbEndpoint: string;
  streamName: string;
  fanOut: boolean;
}

/** One finding as the sink got it: printed as a JSON line for run.ts. */
export interface SeenFinding {
  detection: string;
  dedupKey: string;
  /** Event time of the finding (its trigger's). */
  time: number;
  /** Wall clock when the sink received it. */
  receivedAt: number;
}

/**
 * A sink that takes every finding at once (batches of one) and reports when it got it: the end of the
 * event → finding path (real sinks batch for up to `lingerMs` more).
 */
class ClockSink implements FindingSink {
  readonly name = 'clock';
  readonly maxBatch = 1;

  async send(findings: readonly Finding[]): Promise<BatchOutcome> {
    const receivedAt = Date.now();
    for (const finding of findings) {
      const seen: SeenFinding = {
        detection: finding.detection,
        dedupKey: finding.dedupKey,
        time: finding.time,
        receivedAt,
      };
      process.stdout.write(`${JSON.stringify(seen)}\n`);
    }
    return { accepted: [...findings], rejected: [], retries: 0 };
  }

  async close(): Promise<void> {}
}

/**
 * Child process of bench/latency/run.ts: a shardwatch Worker (role all, default catalog) consuming the stream
 * from TRIM_HORIZON, by GetRecords polling or enhanced fan-out, until SIGTERM.
 *
 *   node --import tsx bench/latency/worker.ts '{"kinesisEndpoint":…,"fanOut":true}'
 */
const task = JSON.parse(process.argv[2] ?? '{}') as LatencyTask;
const kinesis = kinesisClient(task.kinesisEndpoint);
const dynamodb = new DynamoDBClient({
  endpoint: task.dynamodbEndpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' },
});
const delivery = new Delivery({ sinks: [new ClockSink()], deadLetters: new DeadLetterFile('/dev/null') });
const { detections, params } = enabledDetections(DEFAULT_CONFIG);
const worker = new Worker({
  kinesis,
  dynamodb,
  streamName: task.streamName,
  leaseTableName: `latency-${task.streamName}`,
  workerId: `latency-${process.pid}`,
  detections,
  params,
  latenessMs: DEFAULT_CONFIG.latenessMs,
  state: DEFAULT_CONFIG.state,
  delivery,
  initialPosition: 'TRIM_HORIZON',
  ...(task.fanOut ? { fanOut: { consumerName: `latency-${task.streamName}` } } : {}),
  onError: (error, context) => process.stderr.write(`latency worker: ${context}: ${String(error)}\n`),
});
await worker.start();
process.stderr.write(`latency worker: started (${task.fanOut ? 'fan-out' : 'polling'})\n`);
process.once('SIGTERM', () => {
  void worker
    .stop()
    .then(() => delivery.close())
    .finally(() => process.exit(0));
});

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** Any credentials pass kinesis-local; a non-numeric key id selects its default account 000000000000. */
const FAKE_CREDENTIALS = { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' };
const START_TIMEOUT_MS = 30_000;
/** CREATING/UPDATING states last this long (the emulator's default is 500 ms). */
const TRANSITION = '100ms';

export interface KinesisLocal {
  /** Plain-HTTP endpoint, e.g. http://127.0.0.1:41234. */
  endpoint: string;
  /** A new client for the emulator (HTTP/1.1, us-east-1, no SDK retries). */
  client(): KinesisClient;
  /** Kills the emulator and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * A Kinesis client for a loopback endpoint: HTTP/1.1 (the SDK's default HTTP/2 handler fails ~5 % of calls
 * against kinesis-local) and `maxAttempts: 1`, because our own retry policy replaces the SDK's, as in production.
 *
 *   const client = kinesisClient('http://127.0.0.1:4568');
 *   await client.send(new ListShardsCommand({ StreamName: 'orders' }));
 */
export function kinesisClient(endpoint: string): KinesisClient {
  return new KinesisClient({
    endpoint,
    region: 'us-east-1',
    credentials: FAKE_CREDENTIALS,
    requestHandler: new NodeHttpHandler(),
    maxAttempts: 1,
  });
}

/**
 * Starts kinesis-local (kinesis-mock's JS build) as a child process on free loopback ports, with the shard limit
 * raised so suites that never delete streams do not hit LimitExceededException.
 *
 *   const kinesis = await startKinesisLocal();
 *   try { await createStream(kinesis.client(), 'events', 2); } finally { await kinesis.stop(); }
 */
export async function startKinesisLocal(): Promise<KinesisLocal> {
  const main = createRequire(import.meta.url).resolve('kinesis-local');
  const [plainPort, tlsPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      // Resolved against the cwd unless absolute: the emulator crashes without it.
      KINESIS_MOCK_CERT_PATH: join(dirname(main), 'server.json'),
      KINESIS_MOCK_PLAIN_PORT: String(plainPort),
      KINESIS_MOCK_TLS_PORT: String(tlsPort),
      SHARD_LIMIT: '1000',
      LOG_LEVEL: 'WARN',
      CREATE_STREAM_DURATION: TRANSITION,
      DELETE_STREAM_DURATION: TRANSITION,
      SPLIT_SHARD_DURATION: TRANSITION,
      MERGE_SHARDS_DURATION: TRANSITION,
      UPDATE_SHARD_COUNT_DURATION: TRANSITION,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = keepTail(child);
  const endpoint = `http://127.0.0.1:${plainPort}`;
  try {
    await waitUntilListening(child, plainPort, output);
  } catch (error) {
    await kill(child);
    throw error;
  }
  return { endpoint, client: () => kinesisClient(endpoint), stop: () => kill(child) };
}

/**
 * Creates a provisioned stream with `shards` shards and waits until it is ACTIVE.
 *
 *   await createStream(client, 'events', 4);
 *   await client.send(new PutRecordCommand({ StreamName: 'events', PartitionKey: 'a', Data: bytes }));
 */
export async function createStream(client: KinesisClient, name: string, shards: number): Promise<void> {
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  await waitActive(client, name);
}

/**
 * Polls until the stream is ACTIVE again (after CreateStream, SplitShard, MergeShards, UpdateShardCount).
 *
 *   await client.send(new SplitShardCommand({ ... }));
 *   await waitActive(client, 'events');
 */
export async function waitActive(client: KinesisClient, name: string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    const out = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    if (out.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await sleep(50);
  }
  throw new Error(`stream ${name} not ACTIVE after 15 s`);
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}

/** Drains the child's output (a full pipe would block it) and keeps the last few KB for error messages. */
function keepTail(child: ChildProcess): () => string {
  let tail = '';
  const append = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-4096);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return () => tail;
}

async function waitUntilListening(child: ChildProcess, port: number, output: () => string): Promise<void> {
  const deadline = performance.now() + START_TIMEOUT_MS;
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`kinesis-local exited (${child.exitCode ?? child.signalCode}): ${output()}`);
    }
    if (await answers(port)) return;
    await sleep(50);
  }
  throw new Error(`kinesis-local not listening on ${port} after ${START_TIMEOUT_MS} ms: ${output()}`);
}

/** The emulator answers any HTTP request once up (404 on GET /). */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', method: 'GET' }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** SIGKILL: the emulator keeps everything in memory, and SIGTERM often takes seconds with its ports still bound. */
async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

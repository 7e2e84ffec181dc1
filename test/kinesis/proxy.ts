import { once } from 'node:events';
import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll } from 'vitest';
import { createStream, type KinesisLocal, kinesisClient, startKinesisLocal } from './local.js';

/** One request that passed through the proxy; `injected` is the error type answered instead of forwarding. */
export interface ProxiedRequest {
  operation: string;
  injected: string | null;
}

export interface KinesisProxy {
  /** Loopback endpoint to give a Kinesis client instead of the target's. */
  endpoint: string;
  /** Every request, in arrival order. */
  readonly requests: readonly ProxiedRequest[];
  /** The next n calls of `operation` answer HTTP 400 ProvisionedThroughputExceededException. */
  throttleNext(n: number, operation?: string): void;
  /** The next n GetRecords calls answer HTTP 400 ExpiredIteratorException. */
  expireNextIterators(n: number): void;
  stop(): Promise<void>;
}

/** The SDK (awsJson1_1) reads the error type from `__type`. */
const THROTTLED = { __type: 'ProvisionedThroughputExceededException', message: 'Rate exceeded' };
const EXPIRED = {
  __type: 'ExpiredIteratorException',
  message: 'Iterator expired (injected by the test proxy)',
};

/**
 * A loopback HTTP proxy in front of kinesis-local that injects what the emulator never produces: throttling and
 * expired iterators. Everything else is forwarded unchanged (kinesis-local checks no signatures).
 *
 *   const proxy = await startKinesisProxy(kinesis.endpoint);
 *   proxy.throttleNext(2); const client = kinesisClient(proxy.endpoint);
 */
export async function startKinesisProxy(targetEndpoint: string): Promise<KinesisProxy> {
  const target = new URL(targetEndpoint);
  const agent = new Agent({ keepAlive: true });
  const requests: ProxiedRequest[] = [];
  const pending = new Map<string, number>();
  const expiring = { count: 0 };

  /** The error to answer instead of forwarding, consuming one pending injection; null = forward. */
  const injection = (operation: string): typeof THROTTLED | null => {
    const throttles = pending.get(operation) ?? 0;
    if (throttles > 0) {
      pending.set(operation, throttles - 1);
      return THROTTLED;
    }
    if (operation === 'GetRecords' && expiring.count > 0) {
      expiring.count -= 1;
      return EXPIRED;
    }
    return null;
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    // x-amz-target: Kinesis_20131202.GetRecords
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    const error = injection(operation);
    requests.push({ operation, injected: error?.__type ?? null });
    if (error) {
      req.resume();
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(error));
      return;
    }
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (e) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(String(e));
    });
    req.pipe(upstream);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    throttleNext(n, operation = 'GetRecords') {
      pending.set(operation, (pending.get(operation) ?? 0) + n);
    },
    expireNextIterators(n) {
      expiring.count += n;
    },
    async stop() {
      server.closeAllConnections();
      server.close();
      agent.destroy();
    },
  };
}

/** kinesis-local with the fault-injecting proxy in front, for one test file or describe block. */
export interface ProxiedKinesis {
  /** Straight to the emulator. */
  client: KinesisClient;
  proxy: KinesisProxy;
  /** Through the proxy. */
  proxied: KinesisClient;
  /** A fresh one-shard stream, `<prefix>-<n>`, so tests never share records. */
  newStream(): Promise<string>;
}

/**
 * Starts kinesis-local and the proxy before the tests, stops both after them.
 *
 *   const env = useProxiedKinesis('keyed'); … env.proxy.throttleNext(2, 'PutRecords'); await env.newStream();
 */
export function useProxiedKinesis(prefix: string): ProxiedKinesis {
  let kinesis: KinesisLocal | undefined;
  let streams = 0;
  const env = {
    newStream: async () => {
      streams += 1;
      const name = `${prefix}-${streams}`;
      await createStream(env.client, name, 1);
      return name;
    },
  } as ProxiedKinesis;
  beforeAll(async () => {
    kinesis = await startKinesisLocal();
    env.client = kinesis.client();
    env.proxy = await startKinesisProxy(kinesis.endpoint);
    env.proxied = kinesisClient(env.proxy.endpoint);
  }, 60_000);
  afterAll(async () => {
    env.proxied?.destroy();
    env.client?.destroy();
    await env.proxy?.stop();
    await kinesis?.stop();
  }, 60_000);
  return env;
}

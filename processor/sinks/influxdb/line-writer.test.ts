import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { InfluxTransportError, InfluxWriteError } from './errors.js';
import { InfluxLineWriter } from './line-writer.js';

// No InfluxDB 2.x runs here (Debian ships 1.x, tested in influxdb-sink.test.ts): a loopback HTTP server
// records what the v2 path sends and answers as InfluxDB 2 / Timestream for InfluxDB would.
interface Received {
  method: string | undefined;
  url: string | undefined;
  authorization: string | undefined;
  body: string;
}

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function answering(
  respond: (response: ServerResponse) => void,
): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const { method, url } = request;
      received.push({
        method,
        url,
        authorization: request.headers.authorization,
        body: Buffer.concat(chunks).toString(),
      });
      respond(response);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return { url: `http://127.0.0.1:${address.port}/base`, received };
}

const LINES = ['finding,tier=alert count=1i 1', 'finding,tier=log count=2i 2'];

describe('InfluxLineWriter', () => {
  it('posts v2 writes to /api/v2/write with org, bucket, ms precision and the token', async () => {
    const { url, received } = await answering((response) => response.writeHead(204).end());
    const writer = new InfluxLineWriter({
      url,
      apiVersion: 2,
      org: 'sec ops',
      bucket: 'findings',
      token: 's3cret',
    });

    await writer.write(LINES);

    expect(received).toEqual([
      {
        method: 'POST',
        url: '/base/api/v2/write?org=sec+ops&bucket=findings&precision=ms',
        authorization: 'Token s3cret',
        body: 'finding,tier=alert count=1i 1\nfinding,tier=log count=2i 2',
      },
    ]);
  });

  it('posts v1 writes to /write with db, rp and ms precision, without a token', async () => {
    const { url, received } = await answering((response) => response.writeHead(204).end());
    const writer = new InfluxLineWriter({
      url,
      apiVersion: 1,
      database: 'shardwatch',
      retentionPolicy: 'week',
    });

    await writer.write(LINES);

    expect(received.map(({ url, authorization }) => ({ url, authorization }))).toEqual([
      { url: '/base/write?db=shardwatch&rp=week&precision=ms', authorization: undefined },
    ]);
  });

  it('reads the v2 error message of a refused write', async () => {
    const { url } = await answering((response) =>
      response.writeHead(422, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          code: 'unprocessable entity',
          message: 'failure writing points: points beyond retention policy',
        }),
      ),
    );
    const writer = new InfluxLineWriter({ url, apiVersion: 2, org: 'o', bucket: 'b', token: 't' });

    const error = await writer.write(LINES).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(InfluxWriteError);
    expect(error).toMatchObject({
      statusCode: 422,
      serverMessage: 'failure writing points: points beyond retention policy',
      reason: 'record_too_old',
    });
  });

  it('keeps a non-JSON error page as text', async () => {
    const { url } = await answering((response) => response.writeHead(502).end('<html>Bad Gateway</html>\n'));
    const writer = new InfluxLineWriter({ url, apiVersion: 1, database: 'd' });

    const error = await writer.write(LINES).catch((e: unknown) => e);

    expect(error).toMatchObject({
      statusCode: 502,
      serverMessage: '<html>Bad Gateway</html>',
      reason: 'http_502',
    });
  });

  it('turns a server that never answers into a transport error after the timeout', async () => {
    await answering(() => {});
    const address = server?.address();
    if (!address || typeof address === 'string') throw new Error('no TCP address');
    const writer = new InfluxLineWriter(
      { url: `http://127.0.0.1:${address.port}`, apiVersion: 1, database: 'd' },
      50,
    );

    const error = await writer.write(LINES).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(InfluxTransportError);
    expect(error).toMatchObject({ cause: { name: 'TimeoutError' } });
  });
});

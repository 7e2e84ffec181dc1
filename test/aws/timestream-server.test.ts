import {
  type _Record,
  DescribeEndpointsCommand,
  TimestreamWriteClient,
  type TimestreamWriteClientConfig,
  WriteRecordsCommand,
} from '@aws-sdk/client-timestream-write';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CELL_ADDRESS, REGIONAL_ADDRESS, TimestreamServer } from './timestream-server.js';

const NOW = Date.UTC(2024, 4, 1, 12);
const CREDENTIALS = { accessKeyId: 'AKIDLOOPBACK', secretAccessKey: 'loopback-secret' };

function record(time: number, value: string, version?: number): _Record {
  return {
    Dimensions: [{ Name: 'host', Value: 'a' }],
    MeasureValues: [{ Name: 'cpu', Value: value, Type: 'DOUBLE' }],
    Time: String(time),
    ...(version === undefined ? {} : { Version: version }),
  };
}

/** The error the SDK threw, as the fields a sink looks at. */
async function failure(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; $metadata: { httpStatusCode?: number }; RejectedRecords?: unknown };
    return { name: e.name, status: e.$metadata.httpStatusCode, rejected: e.RejectedRecords };
  }
  throw new Error('expected the call to fail');
}

describe('TimestreamServer (driven by the real SDK client)', () => {
  let server: TimestreamServer;
  let client: TimestreamWriteClient;
  const write = (records: _Record[]) =>
    client.send(
      new WriteRecordsCommand({
        DatabaseName: 'db',
        TableName: 'tbl',
        CommonAttributes: {
          MeasureName: 'metrics',
          MeasureValueType: 'MULTI',
          Dimensions: [{ Name: 'az', Value: '1a' }],
        },
        Records: records,
      }),
    );
  const clientFor = (config: TimestreamWriteClientConfig) =>
    new TimestreamWriteClient({ region: 'us-east-1', maxAttempts: 1, credentials: CREDENTIALS, ...config });

  beforeEach(async () => {
    server = await TimestreamServer.start({ now: () => NOW, memoryStoreRetentionMs: 3_600_000 });
    client = clientFor({ endpointProvider: () => ({ url: new URL(server.regionalUrl) }) });
  });
  afterEach(async () => {
    client.destroy();
    await server.close();
  });

  it('answers DescribeEndpoints with the cell address and serves writes only there', async () => {
    const endpoints = await client.send(new DescribeEndpointsCommand({}));
    expect(endpoints.Endpoints).toEqual([{ Address: CELL_ADDRESS, CachePeriodInMinutes: 1440 }]);

    // A custom endpoint disables discovery: the write lands on the regional address and is refused.
    const direct = clientFor({ endpoint: server.regionalUrl });
    expect(
      await failure(
        direct.send(new WriteRecordsCommand({ DatabaseName: 'db', TableName: 'tbl', Records: [] })),
      ),
    ).toEqual({
      name: 'InvalidEndpointException',
      status: 421,
      rejected: undefined,
    });
    direct.destroy();
    expect(server.requests.map((r) => [r.operation, r.address])).toEqual([
      ['DescribeEndpoints', REGIONAL_ADDRESS],
      ['WriteRecords', REGIONAL_ADDRESS],
    ]);
  });

  it('applies CommonAttributes and stores by dimensions, time and measure name', async () => {
    const out = await write([
      record(NOW, '1.5'),
      { ...record(NOW, '7'), Dimensions: [{ Name: 'host', Value: 'b' }] },
    ]);

    expect(out.RecordsIngested).toEqual({ Total: 2, MemoryStore: 2, MagneticStore: 0 });
    expect(server.rows()).toEqual([
      {
        database: 'db',
        table: 'tbl',
        dimensions: { az: '1a', host: 'a' },
        measureName: 'metrics',
        time: NOW,
        version: 1,
        measures: { cpu: { value: '1.5', type: 'DOUBLE' } },
      },
      {
        database: 'db',
        table: 'tbl',
        dimensions: { az: '1a', host: 'b' },
        measureName: 'metrics',
        time: NOW,
        version: 1,
        measures: { cpu: { value: '7', type: 'DOUBLE' } },
      },
    ]);
  });

  it('versions: same record is a no-op, lower version with other values is rejected, higher upserts', async () => {
    await write([record(NOW, '1', 2)]);
    await write([record(NOW, '1', 2)]);
    expect(await failure(write([record(NOW, '9', 1), record(NOW - 1, '3')]))).toEqual({
      name: 'RejectedRecordsException',
      status: 419,
      rejected: [
        {
          RecordIndex: 0,
          Reason:
            'The record version 1 is lower than the existing version 2. A higher version is required to update the measure value.',
          ExistingVersion: 2,
        },
      ],
    });
    await write([record(NOW, '5', 3)]);

    expect(server.rows().map((r) => [r.time, r.version, r.measures.cpu?.value])).toEqual([
      [NOW - 1, 1, '3'],
      [NOW, 3, '5'],
    ]);
  });

  it('rejects records outside the memory store range and more than 100 records', async () => {
    expect(await failure(write([record(NOW - 3_600_001, '1'), record(NOW, '2')]))).toEqual({
      name: 'RejectedRecordsException',
      status: 419,
      rejected: [
        {
          RecordIndex: 0,
          Reason:
            'The record timestamp is outside the time range [2024-05-01T11:00:00.000Z, 2024-05-01T12:15:00.000Z) of the memory store.',
        },
      ],
    });
    const tooMany = Array.from({ length: 101 }, (_, i) => record(NOW - i, '1'));
    expect(await failure(write(tooMany))).toEqual({
      name: 'ValidationException',
      status: 400,
      rejected: undefined,
    });
    expect(server.rows()).toHaveLength(1);
  });

  it('injects throttling, server errors and an outage', async () => {
    server.throttleNext(1);
    server.failNext(1);
    expect(await failure(write([record(NOW, '1')]))).toMatchObject({
      name: 'ThrottlingException',
      status: 429,
    });
    expect(await failure(write([record(NOW, '1')]))).toMatchObject({
      name: 'InternalServerException',
      status: 500,
    });
    server.outage(60_000);
    expect(await failure(write([record(NOW, '1')]))).toMatchObject({
      name: 'ServiceUnavailable',
      status: 503,
    });
    expect(server.rows()).toEqual([]);
  });
});

import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * Loopback stand-in for Timestream for LiveAnalytics (write API, AWS JSON 1.0 protocol): DescribeEndpoints and
 * WriteRecords, with the service's record semantics (CommonAttributes, Version idempotency, memory-store time
 * range, RejectedRecordsException per record) and injectable throttling, outages and server errors.
 *
 * Like the real service it has two faces: the regional endpoint (127.0.0.1, used by the SDK only for
 * DescribeEndpoints) and the discovered "cell" endpoint it returns (127.0.0.2, same port). WriteRecords sent to the
 * regional address fails with InvalidEndpointException, so a test passes only if the SDK's endpoint discovery ran.
 * The SDK keeps the scheme and port of the resolved endpoint and replaces only the hostname with `Address`
 * (@aws-sdk/middleware-endpoint-discovery), hence plain HTTP on one port for both addresses.
 *
 *   const server = await TimestreamServer.start();
 *   new TimestreamWriteClient({ endpointProvider: () => ({ url: new URL(server.regionalUrl) }), ... });
 */
export interface TimestreamServerOptions {
  /** Records older than now − retention are rejected, as by the memory store. Default 24 h. */
  memoryStoreRetentionMs?: number;
  /** Records later than now + this are rejected. Default 15 min. */
  futureToleranceMs?: number;
  /** The server's wall clock. */
  now?: () => number;
}

export interface StoredRow {
  database: string;
  table: string;
  dimensions: Record<string, string>;
  measureName: string;
  /** epoch ms */
  time: number;
  version: number;
  measures: Record<string, { value: string; type: string }>;
}

export interface ReceivedRequest {
  operation: string;
  /** Local address the request arrived on: REGIONAL_ADDRESS or CELL_ADDRESS. */
  address: string;
  status: number;
  records: number;
}

export const REGIONAL_ADDRESS = '127.0.0.1';
export const CELL_ADDRESS = '127.0.0.2';
export const MAX_RECORDS_PER_WRITE = 100;

interface WireDimension {
  Name?: string;
  Value?: string;
  DimensionValueType?: string;
}
interface WireMeasureValue {
  Name?: string;
  Value?: string;
  Type?: string;
}
interface WireRecord {
  Dimensions?: WireDimension[];
  MeasureName?: string;
  MeasureValue?: string;
  MeasureValueType?: string;
  MeasureValues?: WireMeasureValue[];
  Time?: string;
  TimeUnit?: string;
  Version?: number;
}
interface WriteRecordsBody {
  DatabaseName?: string;
  TableName?: string;
  CommonAttributes?: WireRecord;
  Records?: WireRecord[];
}
interface RejectedRecord {
  RecordIndex: number;
  Reason: string;
  ExistingVersion?: number;
}

class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const TIME_UNIT_MS: Record<string, number> = {
  MILLISECONDS: 1,
  SECONDS: 1000,
  MICROSECONDS: 1e-3,
  NANOSECONDS: 1e-6,
};

export class TimestreamServer {
  readonly requests: ReceivedRequest[] = [];
  private readonly table = new Map<string, StoredRow>();
  private throttled = 0;
  private failing = 0;
  private outageUntil = 0;
  private readonly retentionMs: number;
  private readonly futureMs: number;
  private readonly now: () => number;

  private constructor(
    private readonly servers: Server[],
    readonly port: number,
    options: TimestreamServerOptions,
  ) {
    this.retentionMs = options.memoryStoreRetentionMs ?? 24 * 3_600_000;
    this.futureMs = options.futureToleranceMs ?? 15 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Listens on CELL_ADDRESS and REGIONAL_ADDRESS with one free port (retries if the port is taken on one). */
  static async start(options: TimestreamServerOptions = {}): Promise<TimestreamServer> {
    for (let attempt = 0; ; attempt += 1) {
      const cell = createServer();
      cell.listen(0, CELL_ADDRESS);
      await once(cell, 'listening');
      const port = (cell.address() as { port: number }).port;
      const regional = createServer();
      try {
        regional.listen(port, REGIONAL_ADDRESS);
        await once(regional, 'listening');
      } catch (error) {
        cell.close();
        if (attempt >= 5) throw error;
        continue;
      }
      const server = new TimestreamServer([regional, cell], port, options);
      for (const s of server.servers)
        s.on('request', (req, res) => {
          // A request that breaks off mid-body: drop the connection, as a real endpoint would.
          server.handle(req, res).catch(() => res.destroy());
        });
      return server;
    }
  }

  /** The regional endpoint URL to give the client's endpointProvider. */
  get regionalUrl(): string {
    return `http://${REGIONAL_ADDRESS}:${this.port}`;
  }

  /** The next n WriteRecords calls fail with ThrottlingException (HTTP 429). */
  throttleNext(n: number): void {
    this.throttled += n;
  }

  /** The next n WriteRecords calls fail with InternalServerException (HTTP 500). */
  failNext(n: number): void {
    this.failing += n;
  }

  /** Every request fails with 503 ServiceUnavailable for the next `ms` of wall-clock time. */
  outage(ms: number): void {
    this.outageUntil = Date.now() + ms;
  }

  /** Table contents, ordered by time, then by database, table, dimensions and measure name. */
  rows(database?: string, table?: string): StoredRow[] {
    return [...this.table.entries()]
      .filter(
        ([, row]) =>
          (database === undefined || row.database === database) &&
          (table === undefined || row.table === table),
      )
      .sort(([a, ra], [b, rb]) => ra.time - rb.time || (a < b ? -1 : a > b ? 1 : 0))
      .map(([, row]) => row);
  }

  /** WriteRecords calls that reached the record logic (accepted or rejected per record), with their sizes. */
  get writeBatches(): number[] {
    return this.requests
      .filter((r) => r.operation === 'WriteRecords' && (r.status === 200 || r.status === 419))
      .map((r) => r.records);
  }

  async close(): Promise<void> {
    await Promise.all(
      this.servers.map(async (s) => {
        s.closeAllConnections();
        s.close();
        await once(s, 'close');
      }),
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const operation = String(req.headers['x-amz-target'] ?? '').replace(/^Timestream_20181101\./, '');
    const request: ReceivedRequest = {
      operation,
      address: req.socket.localAddress ?? '',
      status: 200,
      records: 0,
    };
    this.requests.push(request);
    let body: unknown;
    try {
      body = this.dispatch(request, req, Buffer.concat(chunks).toString('utf8'));
    } catch (error) {
      const e =
        error instanceof ServiceError
          ? error
          : new ServiceError(500, 'InternalServerException', String(error));
      request.status = e.status;
      body = { __type: e.type, Message: e.message, ...e.extra };
    }
    res.writeHead(request.status, {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-requestid': 'loopback',
    });
    res.end(JSON.stringify(body));
  }

  private dispatch(request: ReceivedRequest, req: IncomingMessage, text: string): unknown {
    if (Date.now() < this.outageUntil)
      throw new ServiceError(503, 'ServiceUnavailable', 'Service unavailable');
    if (
      req.method !== 'POST' ||
      !String(req.headers['content-type']).startsWith('application/x-amz-json-1.0')
    )
      throw new ServiceError(400, 'SerializationException', 'expected POST application/x-amz-json-1.0');
    if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 '))
      throw new ServiceError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    if (request.operation === 'DescribeEndpoints')
      return { Endpoints: [{ Address: CELL_ADDRESS, CachePeriodInMinutes: 1440 }] };
    if (request.operation !== 'WriteRecords')
      throw new ServiceError(400, 'UnknownOperationException', `unsupported: ${request.operation}`);
    if (request.address !== CELL_ADDRESS)
      throw new ServiceError(421, 'InvalidEndpointException', 'The requested endpoint was not valid.');
    const input = JSON.parse(text) as WriteRecordsBody;
    request.records = input.Records?.length ?? 0;
    if (this.throttled > 0) {
      this.throttled -= 1;
      throw new ServiceError(429, 'ThrottlingException', 'Rate exceeded');
    }
    if (this.failing > 0) {
      this.failing -= 1;
      throw new ServiceError(500, 'InternalServerException', 'Internal server error');
    }
    return this.writeRecords(input);
  }

  private writeRecords(input: WriteRecordsBody): unknown {
    const { DatabaseName: database, TableName: table, Records: records = [] } = input;
    if (!database || !table) throw validation('DatabaseName and TableName are required');
    if (records.length < 1 || records.length > MAX_RECORDS_PER_WRITE)
      throw validation(`Records must contain between 1 and ${MAX_RECORDS_PER_WRITE} items`);
    const common = input.CommonAttributes ?? {};
    // Validation of the whole request comes first: a malformed record fails the call, nothing is written.
    const merged = records.map((record, index) => parseRecord(common, record, index));
    const rejected: RejectedRecord[] = [];
    const now = this.now();
    const [oldest, latest] = [now - this.retentionMs, now + this.futureMs];
    merged.forEach((row, index) => {
      if (row.time < oldest || row.time > latest) {
        const range = `[${new Date(oldest).toISOString()}, ${new Date(latest).toISOString()})`;
        rejected.push({
          RecordIndex: index,
          Reason: `The record timestamp is outside the time range ${range} of the memory store.`,
        });
        return;
      }
      const key = JSON.stringify([database, table, row.dimensions, row.measureName, row.time]);
      const existing = this.table.get(key);
      const stored: StoredRow = { database, table, ...row };
      if (!existing || row.version > existing.version) this.table.set(key, stored);
      else if (JSON.stringify(existing.measures) !== JSON.stringify(row.measures))
        rejected.push({
          RecordIndex: index,
          Reason:
            row.version === existing.version
              ? 'A record already exists with the same time, dimensions, measure name, and record version. ' +
                'A higher record version must be specified in order to update the measure value.'
              : `The record version ${row.version} is lower than the existing version ${existing.version}. ` +
                'A higher version is required to update the measure value.',
          ExistingVersion: existing.version,
        });
    });
    if (rejected.length > 0)
      throw new ServiceError(
        419,
        'RejectedRecordsException',
        'One or more records have been rejected. See RejectedRecords for details.',
        {
          RejectedRecords: rejected,
        },
      );
    const total = merged.length;
    return { RecordsIngested: { Total: total, MemoryStore: total, MagneticStore: 0 } };
  }
}

function validation(message: string): ServiceError {
  return new ServiceError(400, 'ValidationException', message);
}

type ParsedRow = Omit<StoredRow, 'database' | 'table'>;

/** Applies CommonAttributes (record fields win, dimensions are the union) and checks what the service checks. */
function parseRecord(common: WireRecord, record: WireRecord, index: number): ParsedRow {
  const dimensions: Record<string, string> = {};
  for (const d of [...(common.Dimensions ?? []), ...(record.Dimensions ?? [])]) {
    if (!d.Name || !d.Value)
      throw validation(`Record ${index}: dimension names and values must be non-empty`);
    dimensions[d.Name] = d.Value;
  }
  const sortedDimensions = Object.fromEntries(
    Object.entries(dimensions).sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  const measureName = record.MeasureName ?? common.MeasureName;
  const type = record.MeasureValueType ?? common.MeasureValueType;
  const timeText = record.Time ?? common.Time;
  const unit = record.TimeUnit ?? common.TimeUnit ?? 'MILLISECONDS';
  const version = record.Version ?? common.Version ?? 1;
  if (!measureName) throw validation(`Record ${index}: MeasureName is required`);
  if (!timeText || !/^\d+$/.test(timeText))
    throw validation(`Record ${index}: Time must be an integer string`);
  const scale = TIME_UNIT_MS[unit];
  if (scale === undefined) throw validation(`Record ${index}: unknown TimeUnit ${unit}`);
  const measures: ParsedRow['measures'] = {};
  if (type === 'MULTI') {
    const values = record.MeasureValues ?? common.MeasureValues ?? [];
    if (values.length === 0) throw validation(`Record ${index}: MULTI records need MeasureValues`);
    for (const v of values) {
      if (!v.Name || v.Value === undefined || !v.Type)
        throw validation(`Record ${index}: MeasureValues need Name, Value and Type`);
      measures[v.Name] = { value: v.Value, type: v.Type };
    }
  } else {
    const value = record.MeasureValue ?? common.MeasureValue;
    if (value === undefined) throw validation(`Record ${index}: MeasureValue is required`);
    measures[measureName] = { value, type: type ?? 'DOUBLE' };
  }
  return {
    dimensions: sortedDimensions,
    measureName,
    time: Math.floor(Number(timeText) * scale),
    version,
    measures,
  };
}

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonValue } from '../../schemas/types.js';

/** One row of an InfluxQL result: column name → value (time as RFC 3339 unless epoch= was asked for). */
export type InfluxRow = Record<string, JsonValue>;

/** Debian's influxd on PATH (test/setup/global-setup.ts installs it when missing); INFLUXD points elsewhere. */
const INFLUXD = process.env.INFLUXD ?? 'influxd';
const START_TIMEOUT_MS = 30_000;

/**
 * A real InfluxDB 1.x (Debian's `influxd`) on loopback ports, in a temp dir, for integration tests.
 * `pause()` stops the process (connections are refused: an outage), `resume()` starts it again on the
 * same data dir and port, so what was written before the outage is still there.
 *
 *   const influx = await InfluxDbServer.start(); await influx.createDatabase('findings');
 *   const rows = await influx.select('findings', 'SELECT * FROM finding'); await influx.stop();
 */
export class InfluxDbServer {
  private process: ChildProcess | undefined;

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  /** Base URL of the HTTP API, e.g. http://127.0.0.1:41234 */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<InfluxDbServer> {
    const dir = await mkdtemp(join(tmpdir(), 'shardwatch-influxdb-'));
    const [httpPort, rpcPort] = await freePorts(2);
    if (httpPort === undefined || rpcPort === undefined) throw new Error('no free ports');
    await writeFile(join(dir, 'influxdb.conf'), config(dir, httpPort, rpcPort));
    const server = new InfluxDbServer(dir, httpPort);
    try {
      await server.resume();
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  /** Starts influxd (again) and resolves once /ping answers 204. */
  async resume(): Promise<void> {
    if (this.process) return;
    // influxd logs to stderr; kept in the temp dir for a failed start's message.
    const log = join(this.dir, 'influxd.log');
    const output = openSync(log, 'a');
    const child = spawn(INFLUXD, ['-config', join(this.dir, 'influxdb.conf')], {
      stdio: ['ignore', output, output],
    });
    closeSync(output);
    child.on('error', () => {});
    this.process = child;
    const exited = once(child, 'exit');
    const deadline = performance.now() + START_TIMEOUT_MS;
    while (!(await this.ping())) {
      if (child.exitCode !== null || performance.now() > deadline) {
        this.process = undefined;
        child.kill('SIGKILL');
        await exited;
        const tail = await readFile(log, 'utf8').catch(() => '');
        throw new Error(`influxd did not start on port ${this.port}: ${tail.slice(-2000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** An outage: stops influxd (SIGTERM, waits for exit), so writes get ECONNREFUSED until `resume()`. */
  async pause(): Promise<void> {
    const child = this.process;
    if (!child) return;
    this.process = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }

  /** Kills influxd and removes its data dir. */
  async stop(): Promise<void> {
    await this.pause();
    await rm(this.dir, { recursive: true, force: true });
  }

  async createDatabase(name: string, options: { duration?: string } = {}): Promise<void> {
    const duration = options.duration ? ` WITH DURATION ${options.duration}` : '';
    await this.query(`CREATE DATABASE "${name}"${duration}`, { method: 'POST' });
  }

  /** Rows of an InfluxQL SELECT, times as epoch ms. */
  async select(database: string, influxql: string): Promise<InfluxRow[]> {
    const body = await this.query(influxql, { database, epoch: 'ms' });
    const rows: InfluxRow[] = [];
    for (const result of body.results ?? []) {
      if (result.error) throw new Error(`InfluxQL error: ${result.error}`);
      for (const series of result.series ?? []) {
        for (const values of series.values) {
          rows.push(Object.fromEntries(series.columns.map((column, i) => [column, values[i] ?? null])));
        }
      }
    }
    return rows;
  }

  /** Writes raw line protocol (ms precision) as a test setup step. */
  async writeLines(database: string, lines: readonly string[]): Promise<void> {
    const response = await fetch(`${this.url}/write?db=${encodeURIComponent(database)}&precision=ms`, {
      method: 'POST',
      body: lines.join('\n'),
    });
    if (response.status !== 204) throw new Error(`write failed ${response.status}: ${await response.text()}`);
  }

  private async query(
    influxql: string,
    o: { database?: string; epoch?: string; method?: 'GET' | 'POST' },
  ): Promise<QueryResponse> {
    const params = new URLSearchParams({ q: influxql });
    if (o.database) params.set('db', o.database);
    if (o.epoch) params.set('epoch', o.epoch);
    const response = await fetch(`${this.url}/query?${params}`, { method: o.method ?? 'GET' });
    const body = (await response.json()) as QueryResponse;
    if (!response.ok) throw new Error(`query failed ${response.status}: ${JSON.stringify(body)}`);
    return body;
  }

  private async ping(): Promise<boolean> {
    try {
      const response = await fetch(`${this.url}/ping`, { signal: AbortSignal.timeout(1000) });
      return response.status === 204;
    } catch {
      return false;
    }
  }
}

interface QueryResponse {
  results?: { error?: string; series?: { name: string; columns: string[]; values: JsonValue[][] }[] }[];
}

/** Ports the OS reports free right now (bound and released); influxd takes them a moment later. */
async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  const ports: number[] = [];
  for (const server of servers) {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    ports.push(address.port);
  }
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** A minimal influxdb.conf: loopback only, no auth, no reporting, no self-monitoring, quiet logs. */
function config(dir: string, httpPort: number, rpcPort: number): string {
  return `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"

[meta]
  dir = "${join(dir, 'meta')}"
  logging-enabled = false

[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  query-log-enabled = false

[coordinator]
  write-timeout = "10s"

[monitor]
  store-enabled = false

[subscriber]
  enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  auth-enabled = false
  log-enabled = false
  pprof-enabled = false

[logging]
  level = "warn"

[continuous_queries]
  enabled = false
`;
}

import { InfluxTransportError, InfluxWriteError } from './errors.js';

/** Where lines go: an InfluxDB 1.x database (`/write`) or a 2.x / Timestream for InfluxDB bucket (`/api/v2/write`). */
export type InfluxTarget =
  | { url: string; apiVersion: 1; database: string; retentionPolicy?: string }
  | { url: string; apiVersion: 2; org: string; bucket: string; token: string };

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * One HTTP POST of ms-precision line protocol per `write`, for both API versions. The official client's
 * WriteApi only speaks /api/v2/write and buffers and retries on its own timers; we need one request whose
 * outcome we see, so our retry policy is the only retry layer.
 *
 *   const writer = new InfluxLineWriter({ url: 'http://127.0.0.1:8086', apiVersion: 1, database: 'shardwatch' });
 *   await writer.write(['finding,tier=alert count=1i 1700000000000']); // throws InfluxWriteError / InfluxTransportError
 */
export class InfluxLineWriter {
  private readonly endpoint: string;
  private readonly headers: Record<string, string>;

  constructor(
    target: InfluxTarget,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {
    const base = new URL(target.url);
    if (target.apiVersion === 1) {
      const url = new URL('write', withSlash(base));
      url.searchParams.set('db', target.database);
      if (target.retentionPolicy) url.searchParams.set('rp', target.retentionPolicy);
      url.searchParams.set('precision', 'ms');
      this.endpoint = url.href;
      this.headers = {};
    } else {
      const url = new URL('api/v2/write', withSlash(base));
      url.searchParams.set('org', target.org);
      url.searchParams.set('bucket', target.bucket);
      url.searchParams.set('precision', 'ms');
      this.endpoint = url.href;
      this.headers = { authorization: `Token ${target.token}` };
    }
  }

  /** Resolves when the server stored every line (204); throws InfluxWriteError or InfluxTransportError. */
  async write(lines: readonly string[]): Promise<void> {
    let status: number;
    let body: string;
    try {
      const response = await fetch(this.endpoint, {
        method: 'POST',
        headers: { ...this.headers, 'content-type': 'text/plain; charset=utf-8' },
        body: lines.join('\n'),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = response.status;
      body = await response.text();
    } catch (error) {
      throw new InfluxTransportError(error);
    }
    if (status === 204 || status === 200) return;
    throw new InfluxWriteError(status, serverMessage(body));
  }
}

function withSlash(url: URL): URL {
  return url.pathname.endsWith('/') ? url : new URL(`${url.pathname}/`, url);
}

/** v1 answers `{"error": ...}`, v2 `{"code": ..., "message": ...}`; anything else is kept as text. */
function serverMessage(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null) {
      const { error, message } = parsed as { error?: unknown; message?: unknown };
      if (typeof error === 'string') return error;
      if (typeof message === 'string') return message;
    }
  } catch {
    // not JSON: a proxy's or load balancer's page
  }
  return body.trim().slice(0, 1000);
}

import type { Finding } from '../../../schemas/types.js';
import {
  DEFAULT_RETRY_POLICY,
  RetriesExhaustedError,
  type RetryPolicy,
  retry,
  SinkHealth,
} from '../retry.js';
import type { BatchOutcome, FindingSink, RejectedFinding } from '../sink.js';
import { InfluxTransportError, InfluxWriteError } from './errors.js';
import { findingLine } from './finding-point.js';
import { InfluxLineWriter, type InfluxTarget } from './line-writer.js';

export type InfluxDbSinkOptions = InfluxTarget & {
  retry?: RetryPolicy;
  /** Per request; a hung server counts as a transient failure after this. Default 10 s. */
  requestTimeoutMs?: number;
  /** Shared with the health endpoint; a new circuit by default. */
  health?: SinkHealth;
  /** Waits between retries; tests may shorten them. */
  sleep?: (ms: number) => Promise<void>;
};

interface Entry {
  finding: Finding;
  line: string;
}

/** The requests one batch took, beyond the first: backoff retries and resends of split batches. */
interface Requests {
  count: number;
}

/**
 * Writes findings to InfluxDB 1.x or 2.x / Timestream for InfluxDB as line protocol (measurement `finding`,
 * see findingLine), up to 5000 lines per request. Network errors, 429 and 5xx are retried with the shared
 * policy. When the server refuses points (400/422; 1.x says only `partial write: ... dropped=N`, not which),
 * the batch is halved and each half resent until the refused points stand alone: those become rejected
 * findings with the server's reason (`invalid_point`, `record_too_old`), the rest are accepted. Resending
 * is safe: a point with the same tags and timestamp overwrites itself, so nothing is duplicated.
 *
 *   const sink = new InfluxDbSink({ url: 'http://127.0.0.1:8086', apiVersion: 1, database: 'shardwatch' });
 *   const { accepted, rejected } = await sink.send(findings);
 */
export class InfluxDbSink implements FindingSink {
  readonly name = 'influxdb';
  readonly maxBatch = 5000;
  readonly health: SinkHealth;
  private readonly writer: InfluxLineWriter;
  private readonly policy: RetryPolicy;
  private readonly sleep: ((ms: number) => Promise<void>) | undefined;

  constructor(options: InfluxDbSinkOptions) {
    this.writer = new InfluxLineWriter(options, options.requestTimeoutMs);
    this.policy = options.retry ?? DEFAULT_RETRY_POLICY;
    this.health = options.health ?? new SinkHealth();
    this.sleep = options.sleep;
  }

  async send(findings: readonly Finding[]): Promise<BatchOutcome> {
    const rejected: RejectedFinding[] = [];
    const entries: Entry[] = [];
    for (const finding of findings) {
      try {
        entries.push({ finding, line: findingLine(finding) });
      } catch (error) {
        rejected.push(this.reject(finding, 'invalid_point', error));
      }
    }
    const requests: Requests = { count: 0 };
    const accepted = await this.write(entries, rejected, requests);
    return { accepted, rejected, retries: Math.max(0, requests.count - 1) };
  }

  async close(): Promise<void> {
    // Nothing buffered: every send resolves only after its lines were stored or rejected.
  }

  /** Writes entries; returns the accepted findings in order and adds the refused ones to `rejected`. */
  private async write(
    entries: readonly Entry[],
    rejected: RejectedFinding[],
    requests: Requests,
  ): Promise<Finding[]> {
    if (entries.length === 0) return [];
    try {
      await retry(() => this.attempt(entries, requests), {
        policy: this.policy,
        retriable: isRetriableWriteError,
        ...(this.sleep ? { sleep: this.sleep } : {}),
      });
      return entries.map((entry) => entry.finding);
    } catch (error) {
      if (error instanceof InfluxWriteError && error.splittable && entries.length > 1) {
        const half = Math.ceil(entries.length / 2);
        const first = await this.write(entries.slice(0, half), rejected, requests);
        const second = await this.write(entries.slice(half), rejected, requests);
        return [...first, ...second];
      }
      const reason = error instanceof RetriesExhaustedError ? 'retries_exhausted' : reasonOf(error);
      for (const entry of entries) rejected.push(this.reject(entry.finding, reason, error));
      return [];
    }
  }

  private async attempt(entries: readonly Entry[], requests: Requests): Promise<void> {
    requests.count += 1;
    try {
      await this.writer.write(entries.map((entry) => entry.line));
      this.health.recordSuccess();
    } catch (error) {
      // An HTTP answer, even a refusal, means the server is up; only unreachable or failing servers trip it.
      if (isRetriableWriteError(error)) this.health.recordFailure();
      else this.health.recordSuccess();
      throw error;
    }
  }

  private reject(finding: Finding, reason: string, error: unknown): RejectedFinding {
    const detail = error instanceof Error ? error.message : String(error);
    return { finding, sink: this.name, reason, detail };
  }
}

/** Unreachable server, 429 and 5xx: worth waiting for. Refusals (4xx) are not. */
function isRetriableWriteError(error: unknown): boolean {
  if (error instanceof InfluxTransportError) return true;
  return error instanceof InfluxWriteError && (error.statusCode === 429 || error.statusCode >= 500);
}

function reasonOf(error: unknown): string {
  return error instanceof InfluxWriteError ? error.reason : 'sink_error';
}

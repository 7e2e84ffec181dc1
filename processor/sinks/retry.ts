import { setTimeout as sleepFor } from 'node:timers/promises';

/** Exponential backoff with full jitter: the delay after failed attempt n is random(0, min(max, base·2^n)). */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * 16 attempts: the 15 waits' caps add up to 112 s, so the expected total (half of that, full jitter) is
 * 56 s and a 30-s outage is outlasted in over 99 % of runs (12 attempts would fail to ~20 % of the time).
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 16, baseDelayMs: 200, maxDelayMs: 10_000 };

/** Every attempt failed with a retriable error; `lastError` is the final one. */
export class RetriesExhaustedError extends Error {
  override readonly name = 'RetriesExhaustedError';
  constructor(
    readonly attempts: number,
    readonly lastError: unknown,
  ) {
    super(`gave up after ${attempts} attempts: ${describeError(lastError)}`, { cause: lastError });
  }
}

export interface RetryOptions {
  policy: RetryPolicy;
  retriable: (error: unknown) => boolean;
  /** Called before each wait; `n` is the attempt that just failed (1-based). */
  onRetry?: (error: unknown, n: number, delayMs: number) => void;
  sleep?: (ms: number) => Promise<void>;
  /** [0, 1); tests pin it to check the backoff bounds. */
  random?: () => number;
}

/**
 * Runs attempt(n) (n from 1) until it resolves, throws a non-retriable error (rethrown as is) or the
 * policy's attempts run out (RetriesExhaustedError). Wall-clock waits are fine here: sinks, not detections.
 *
 *   const out = await retry((n) => client.send(command), { policy: DEFAULT_RETRY_POLICY, retriable: isRetriableAwsError });
 */
export async function retry<T>(attempt: (n: number) => Promise<T>, o: RetryOptions): Promise<T> {
  const sleep = o.sleep ?? ((ms: number) => sleepFor(ms));
  const random = o.random ?? Math.random;
  for (let n = 1; ; n += 1) {
    try {
      return await attempt(n);
    } catch (error) {
      if (!o.retriable(error)) throw error;
      if (n >= o.policy.maxAttempts) throw new RetriesExhaustedError(n, error);
      const delayMs = backoffDelay(o.policy, n, random);
      o.onRetry?.(error, n, delayMs);
      await sleep(delayMs);
    }
  }
}

/**
 * The wait after failed attempt n: full jitter over min(max, base·2^n).
 *
 *   backoffDelay({ maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000 }, 2, () => 0.5); // 200
 */
export function backoffDelay(policy: RetryPolicy, n: number, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** n);
  return Math.floor(random() * cap);
}

// Mirrors the SDK's own classification (@smithy/core retry/service-error-classification), which is not a
// direct dependency: our policy replaces the SDK's retries (clients run with maxAttempts: 1).
const THROTTLING_NAMES = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttled',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);
const TRANSIENT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * True for failures that may pass if tried again: throttling, 5xx and 429, network errors, errors the SDK
 * marks `$retryable`. False for 4xx validation and anything unknown (a bug does not get better by waiting).
 *
 *   isRetriableAwsError(Object.assign(new Error('x'), { name: 'ThrottlingException' })); // true
 *   isRetriableAwsError(Object.assign(new Error('x'), { name: 'InvalidParameter', $metadata: { httpStatusCode: 400 } })); // false
 */
export function isRetriableAwsError(error: unknown): boolean {
  return isRetriableAt(error, 0);
}

/** `depth` bounds the walk through causes and aggregated errors. */
function isRetriableAt(error: unknown, depth: number): boolean {
  if (typeof error !== 'object' || error === null || depth > 10) return false;
  const e = error as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: unknown };
    statusCode?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (e.name === 'AbortError') return false;
  if (e.$retryable !== undefined) return true;
  if (typeof e.name === 'string' && (THROTTLING_NAMES.has(e.name) || TRANSIENT_NAMES.has(e.name)))
    return true;
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return true;
  if (typeof e.message === 'string' && e.message.includes('socket hang up')) return true;
  // `statusCode`: HTTP clients outside the AWS SDK (the InfluxDB client's HttpError).
  const status = e.$metadata?.httpStatusCode ?? e.statusCode;
  if (typeof status === 'number' && (status === 429 || status >= 500)) return true;
  // Node reports a refused dual-stack connect as an AggregateError of the per-address errors.
  if (Array.isArray(e.errors) && e.errors.some((inner) => isRetriableAt(inner, depth + 1))) return true;
  return e.cause !== undefined && isRetriableAt(e.cause, depth + 1);
}

/**
 * Circuit for the health endpoint: unhealthy after `threshold` consecutive failed attempts, healthy again on
 * the next success.
 *
 *   const health = new SinkHealth(); health.recordFailure(); // still healthy until 3 in a row
 *   if (!health.healthy) report('sns down');
 */
export class SinkHealth {
  private consecutiveFailures = 0;
  private readonly listeners: ((healthy: boolean) => void)[] = [];

  constructor(readonly threshold = 3) {}

  /** Calls `listener` with the new state each time the circuit opens (unhealthy) or closes again. */
  onChange(listener: (healthy: boolean) => void): void {
    this.listeners.push(listener);
  }

  recordSuccess(): void {
    const was = this.healthy;
    this.consecutiveFailures = 0;
    this.notify(was);
  }

  recordFailure(): void {
    const was = this.healthy;
    this.consecutiveFailures += 1;
    this.notify(was);
  }

  private notify(was: boolean): void {
    if (this.healthy !== was) for (const listener of this.listeners) listener(this.healthy);
  }

  get healthy(): boolean {
    return this.consecutiveFailures < this.threshold;
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

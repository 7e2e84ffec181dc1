import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  isRetriableAwsError,
  RetriesExhaustedError,
  type RetryPolicy,
  retry,
  SinkHealth,
} from './retry.js';

const POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };

function awsError(name: string, status?: number, extra: object = {}): Error {
  const error = Object.assign(new Error(`${name} happened`), extra);
  error.name = name;
  if (status !== undefined) Object.assign(error, { $metadata: { httpStatusCode: status } });
  return error;
}

/** Fails with `errors` in turn, then resolves with the attempt number. */
function failing(errors: unknown[]) {
  const attempts: number[] = [];
  const attempt = async (n: number) => {
    attempts.push(n);
    if (n <= errors.length) throw errors[n - 1];
    return n;
  };
  return { attempts, attempt };
}

describe('retry', () => {
  it('waits full-jitter delays capped at min(max, base·2^n) and resolves with the first success', async () => {
    const slept: number[] = [];
    const retries: [string, number, number][] = [];
    const { attempts, attempt } = failing([
      awsError('Throttling'),
      awsError('Throttling'),
      awsError('Throttling'),
    ]);
    const result = await retry(attempt, {
      policy: POLICY,
      retriable: isRetriableAwsError,
      random: () => 0.999999,
      sleep: async (ms) => {
        slept.push(ms);
      },
      onRetry: (error, n, delayMs) => retries.push([(error as Error).name, n, delayMs]),
    });
    expect(result).toBe(4);
    expect(attempts).toEqual([1, 2, 3, 4]);
    // caps 200, 400, 800 (random just below 1 gives cap - 1)
    expect(slept).toEqual([199, 399, 799]);
    expect(retries).toEqual([
      ['Throttling', 1, 199],
      ['Throttling', 2, 399],
      ['Throttling', 3, 799],
    ]);
  });

  it('never waits longer than maxDelayMs and waits 0 when random gives 0', () => {
    expect(backoffDelay(POLICY, 10, () => 0.999999)).toBe(999);
    expect(backoffDelay(POLICY, 30, () => 0.5)).toBe(500);
    expect(backoffDelay(POLICY, 3, () => 0)).toBe(0);
    expect(backoffDelay(POLICY, 2, () => 0.5)).toBe(200);
  });

  it('gives up after maxAttempts with RetriesExhaustedError carrying the last error', async () => {
    const errors = [1, 2, 3, 4, 5, 6].map((i) => awsError('ServiceUnavailable', 503, { i }));
    const { attempts, attempt } = failing(errors);
    const slept: number[] = [];
    const failure = await retry(attempt, {
      policy: POLICY,
      retriable: isRetriableAwsError,
      sleep: async (ms) => {
        slept.push(ms);
      },
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RetriesExhaustedError);
    expect((failure as RetriesExhaustedError).attempts).toBe(5);
    expect((failure as RetriesExhaustedError).lastError).toBe(errors[4]);
    expect((failure as RetriesExhaustedError).message).toBe(
      'gave up after 5 attempts: ServiceUnavailable: ServiceUnavailable happened',
    );
    expect(attempts).toEqual([1, 2, 3, 4, 5]);
    expect(slept).toHaveLength(4);
  });

  it('rethrows a non-retriable error at once, without waiting', async () => {
    const invalid = awsError('InvalidParameterException', 400);
    const { attempts, attempt } = failing([awsError('Throttling'), invalid]);
    const slept: number[] = [];
    const failure = await retry(attempt, {
      policy: POLICY,
      retriable: isRetriableAwsError,
      sleep: async (ms) => {
        slept.push(ms);
      },
    }).catch((error: unknown) => error);
    expect(failure).toBe(invalid);
    expect(attempts).toEqual([1, 2]);
    expect(slept).toHaveLength(1);
  });

  it('sleeps on the wall clock when no sleep is given', async () => {
    const { attempts, attempt } = failing([awsError('Throttling'), awsError('Throttling')]);
    const policy = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 };
    expect(await retry(attempt, { policy, retriable: isRetriableAwsError })).toBe(3);
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('default policy: the caps of its 15 waits add up to 112.4 s, so the mean total wait (56 s) outlasts a 30-s outage', () => {
    const caps = Array.from({ length: DEFAULT_RETRY_POLICY.maxAttempts - 1 }, (_, i) =>
      backoffDelay(DEFAULT_RETRY_POLICY, i + 1, () => 1),
    );
    expect(caps).toEqual([400, 800, 1600, 3200, 6400, ...Array(10).fill(10_000)]);
  });
});

describe('isRetriableAwsError', () => {
  it.each([
    ['ThrottlingException', awsError('ThrottlingException', 400)],
    ['Throttled (SNS query protocol)', awsError('Throttled', 400)],
    ['TooManyRequestsException', awsError('TooManyRequestsException')],
    ['RequestLimitExceeded', awsError('RequestLimitExceeded')],
    ['HTTP 429', awsError('Whatever', 429)],
    ['HTTP 500', awsError('InternalServerException', 500)],
    ['HTTP 503', awsError('ServiceUnavailable', 503)],
    ['$retryable', awsError('Odd', 400, { $retryable: { throttling: false } })],
    ['ECONNREFUSED', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })],
    ['ECONNRESET', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['socket hang up', new Error('socket hang up')],
    ['TimeoutError', awsError('TimeoutError')],
    [
      'AggregateError of refused addresses',
      new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })], 'connect failed'),
    ],
    ['a retriable cause', new Error('wrapped', { cause: awsError('ThrottlingException') })],
    ['InfluxDB HttpError 503', Object.assign(new Error('unavailable'), { statusCode: 503 })],
  ])('retries %s', (_, error) => {
    expect(isRetriableAwsError(error)).toBe(true);
  });

  it.each([
    ['InvalidParameter 400', awsError('InvalidParameter', 400)],
    ['ValidationException 400', awsError('ValidationException', 400)],
    ['RejectedRecordsException 419', awsError('RejectedRecordsException', 419)],
    ['AccessDeniedException 403', awsError('AccessDeniedException', 403)],
    ['a plain bug', new TypeError('undefined is not a function')],
    ['AbortError', awsError('AbortError')],
    ['a string', 'ECONNREFUSED'],
    ['null', null],
  ])('does not retry %s', (_, error) => {
    expect(isRetriableAwsError(error)).toBe(false);
  });
});

describe('SinkHealth', () => {
  it('turns unhealthy after 3 consecutive failures and healthy again on the next success', () => {
    const health = new SinkHealth();
    const seen: boolean[] = [];
    for (const step of ['fail', 'fail', 'ok', 'fail', 'fail', 'fail', 'fail', 'ok'] as const) {
      if (step === 'fail') health.recordFailure();
      else health.recordSuccess();
      seen.push(health.healthy);
    }
    expect(seen).toEqual([true, true, true, true, true, false, false, true]);
  });

  it('tells its listeners when the circuit opens and when it closes again, once each', () => {
    const health = new SinkHealth();
    const changes: boolean[] = [];
    health.onChange((healthy) => changes.push(healthy));
    for (const step of ['fail', 'fail', 'fail', 'fail', 'ok', 'ok', 'fail'] as const) {
      if (step === 'fail') health.recordFailure();
      else health.recordSuccess();
    }
    expect(changes).toEqual([false, true]);
  });

  it('takes another threshold', () => {
    const health = new SinkHealth(1);
    expect(health.healthy).toBe(true);
    health.recordFailure();
    expect(health.healthy).toBe(false);
  });
});

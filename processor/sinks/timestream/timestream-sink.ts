import {
  type _Record,
  type RejectedRecord,
  TimestreamWriteClient,
  type TimestreamWriteClientConfig,
  WriteRecordsCommand,
} from '@aws-sdk/client-timestream-write';
import type { Finding } from '../../../schemas/types.js';
import type { SinkWithHealth } from '../delivery.js';
import {
  DEFAULT_RETRY_POLICY,
  isRetriableAwsError,
  RetriesExhaustedError,
  type RetryPolicy,
  retry,
  SinkHealth,
} from '../retry.js';
import type { BatchOutcome, RejectedFinding } from '../sink.js';
import { COMMON_ATTRIBUTES, findingRecord } from './finding-record.js';
import { rejectionReason } from './rejection-reason.js';

/** WriteRecords accepts at most 100 records per call. */
export const TIMESTREAM_MAX_BATCH = 100;

export interface TimestreamSinkOptions {
  /** A ready client; configure it with `maxAttempts: 1` so this sink's policy is the only retry layer. */
  client?: TimestreamWriteClient;
  /** Used to build the client when none is given (`maxAttempts` is forced to 1); the sink then owns and closes it. */
  clientConfig?: TimestreamWriteClientConfig;
  database: string;
  table: string;
  retry?: RetryPolicy;
  /** Default 'timestream'. */
  name?: string;
}

/**
 * Writes findings to Timestream for LiveAnalytics: one multi-measure record per finding, ≤ 100 per
 * WriteRecords call, batch-wide fields as CommonAttributes. Throttling, 5xx and network failures are retried
 * with the shared policy (record versions make the resend idempotent); records the service rejects come back
 * as RejectedFindings with a reason, except version conflicts against an equal or newer stored version, which
 * mean the finding is already there. Endpoint discovery is the SDK's (DescribeEndpoints, cached).
 *
 *   const sink = new TimestreamSink({ clientConfig: { region: 'us-east-1' }, database: 'shardwatch', table: 'findings' });
 *   const { accepted, rejected } = await sink.send(findings);
 */
export class TimestreamSink implements SinkWithHealth {
  readonly name: string;
  readonly maxBatch = TIMESTREAM_MAX_BATCH;
  readonly health = new SinkHealth();
  private readonly client: TimestreamWriteClient;
  private readonly ownsClient: boolean;
  private readonly database: string;
  private readonly table: string;
  private readonly policy: RetryPolicy;

  constructor(options: TimestreamSinkOptions) {
    this.name = options.name ?? 'timestream';
    this.database = options.database;
    this.table = options.table;
    this.policy = options.retry ?? DEFAULT_RETRY_POLICY;
    this.ownsClient = options.client === undefined;
    // maxAttempts 1: the SDK's own retries would stack under ours and hide attempts from metrics and health.
    this.client = options.client ?? new TimestreamWriteClient({ ...options.clientConfig, maxAttempts: 1 });
  }

  async send(findings: readonly Finding[]): Promise<BatchOutcome> {
    const outcome: BatchOutcome = { accepted: [], rejected: [], retries: 0 };
    for (let start = 0; start < findings.length; start += TIMESTREAM_MAX_BATCH)
      await this.write(findings.slice(start, start + TIMESTREAM_MAX_BATCH), outcome);
    return outcome;
  }

  async close(): Promise<void> {
    if (this.ownsClient) this.client.destroy();
  }

  /** One WriteRecords call (with retries) for ≤ 100 findings; results are added to `outcome`. */
  private async write(findings: readonly Finding[], outcome: BatchOutcome): Promise<void> {
    const records = findings.map(findingRecord);
    let rejectedRecords: RejectedRecord[];
    try {
      rejectedRecords = await retry(() => this.attempt(records), {
        policy: this.policy,
        retriable: isRetriableAwsError,
        onRetry: () => {
          outcome.retries += 1;
        },
      });
    } catch (error) {
      // The service validates the whole request and names no record: halve the batch to isolate the bad one.
      if (isValidationError(error) && findings.length > 1) {
        const half = Math.ceil(findings.length / 2);
        await this.write(findings.slice(0, half), outcome);
        await this.write(findings.slice(half), outcome);
        return;
      }
      const { reason, detail } = permanentFailure(error);
      outcome.rejected.push(...findings.map((finding) => ({ finding, sink: this.name, reason, detail })));
      return;
    }
    // Records not listed in RejectedRecords were written: the service rejects only the listed ones.
    const rejectedAt = new Map(rejectedRecords.map((r) => [r.RecordIndex ?? -1, r]));
    findings.forEach((finding, index) => {
      const rejected = rejectedAt.get(index);
      const version = records[index]?.Version ?? 1;
      if (!rejected || (rejected.ExistingVersion !== undefined && rejected.ExistingVersion >= version))
        outcome.accepted.push(finding);
      else outcome.rejected.push(this.rejectedFinding(finding, rejected));
    });
  }

  /** Resolves with the records the service rejected (none on full success); throws what the retry policy judges. */
  private async attempt(records: _Record[]): Promise<RejectedRecord[]> {
    try {
      await this.client.send(
        new WriteRecordsCommand({
          DatabaseName: this.database,
          TableName: this.table,
          CommonAttributes: COMMON_ATTRIBUTES,
          Records: records,
        }),
      );
      this.health.recordSuccess();
      return [];
    } catch (error) {
      if (isNamed(error, 'RejectedRecordsException')) {
        this.health.recordSuccess();
        return (error as { RejectedRecords?: RejectedRecord[] }).RejectedRecords ?? [];
      }
      this.health.recordFailure();
      throw error;
    }
  }

  private rejectedFinding(finding: Finding, rejected: RejectedRecord): RejectedFinding {
    const text = rejected.Reason ?? 'rejected without a reason';
    const existing =
      rejected.ExistingVersion === undefined ? '' : ` (existing version ${rejected.ExistingVersion})`;
    return {
      finding,
      sink: this.name,
      reason: rejectionReason(text, finding.time, Date.now()),
      detail: `${text}${existing}`,
    };
  }
}

function isNamed(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}

function isValidationError(error: unknown): boolean {
  return isNamed(error, 'ValidationException');
}

/** Reason label for a batch that failed as a whole: `retries_exhausted`, `invalid_parameter`, `access_denied`… */
function permanentFailure(error: unknown): { reason: string; detail: string } {
  if (error instanceof RetriesExhaustedError) return { reason: 'retries_exhausted', detail: error.message };
  if (!(error instanceof Error)) return { reason: 'sink_error', detail: String(error) };
  const detail = `${error.name}: ${error.message}`;
  if (isValidationError(error)) return { reason: 'invalid_parameter', detail };
  const label = error.name
    .replace(/Exception$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
  return { reason: label || 'sink_error', detail };
}

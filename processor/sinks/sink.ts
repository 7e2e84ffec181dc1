import type { Finding } from '../../schemas/types.js';

/** A finding a sink will never accept; it goes to the dead-letter sink with this reason, never silently. */
export interface RejectedFinding {
  finding: Finding;
  sink: string;
  /** Machine-readable, e.g. `record_too_old`, `invalid_parameter`, `retries_exhausted`. */
  reason: string;
  detail: string;
}

/** The outcome of one batch after the sink's own retries: each finding accepted or rejected for good. */
export interface BatchOutcome {
  accepted: Finding[];
  rejected: RejectedFinding[];
  /** Attempts beyond the first that this batch needed (for metrics). */
  retries: number;
}

/**
 * One destination of findings (SNS, Timestream, InfluxDB, a JSONL file). `send` gets at most `maxBatch`
 * findings and resolves only when every one is durably accepted or permanently rejected: transient
 * failures are retried inside with the shared retry policy (retry.ts), which may take as long as an
 * outage lasts. Delivery bounds the batches in flight and so applies backpressure.
 *
 *   const outcome = await sns.send(findings); // { accepted, rejected, retries }
 */
export interface FindingSink {
  readonly name: string;
  readonly maxBatch: number;
  send(findings: readonly Finding[]): Promise<BatchOutcome>;
  close(): Promise<void>;
}

import { type KinesisClient, PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { DEFAULT_RETRY_POLICY, isRetriableAwsError, type RetryPolicy, retry } from '../../sinks/retry.js';

/** PutRecords limits: 500 entries and 5 MiB (data plus partition keys) per call, 1 MiB per entry. */
export const PUT_RECORDS_MAX_ENTRIES = 500;
export const PUT_RECORDS_MAX_BYTES = 5 * 1024 * 1024;
export const PUT_RECORD_MAX_BYTES = 1024 * 1024;

/** Some entries of a PutRecords call failed (FailedRecordCount > 0); they are retried with backoff. */
export class PutRecordsEntriesFailedError extends Error {
  override readonly name = 'PutRecordsEntriesFailedError';
  constructor(
    readonly failed: number,
    /** Distinct ErrorCodes, e.g. ProvisionedThroughputExceededException, InternalFailure. */
    readonly errorCodes: string[],
  ) {
    super(`${failed} PutRecords entries failed: ${errorCodes.join(', ')}`);
  }
}

export interface PutRecordsOptions {
  kinesis: KinesisClient;
  streamName: string;
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Puts one batch (≤ 500 entries, ≤ 5 MiB) until every entry is accepted: a call that throws a retriable error
 * is repeated, and after a partial failure only the failed entries are sent again, both with backoff and jitter.
 * `onPut` is told each entry's index as soon as Kinesis accepted it. Throws RetriesExhaustedError (or a
 * non-retriable error) when the policy runs out.
 *
 *   await putRecords([{ Data, PartitionKey: '111122223333' }], (index) => acks[index](), { kinesis, streamName: 'keyed' });
 */
export async function putRecords(
  entries: readonly PutRecordsRequestEntry[],
  onPut: (index: number) => void,
  o: PutRecordsOptions,
): Promise<void> {
  let remaining = entries.map((entry, index) => ({ entry, index }));
  await retry(
    async () => {
      const out = await o.kinesis.send(
        new PutRecordsCommand({ StreamName: o.streamName, Records: remaining.map(({ entry }) => entry) }),
      );
      const results = out.Records ?? [];
      const failed: typeof remaining = [];
      const codes = new Set<string>();
      remaining.forEach((pending, position) => {
        const result = results[position];
        // A missing result is treated as failed: an entry must never be acked unless Kinesis has it.
        if (result?.SequenceNumber && !result.ErrorCode) onPut(pending.index);
        else {
          failed.push(pending);
          codes.add(result?.ErrorCode ?? 'MissingResult');
        }
      });
      remaining = failed;
      if (failed.length > 0) throw new PutRecordsEntriesFailedError(failed.length, [...codes].sort());
    },
    {
      policy: o.retry ?? DEFAULT_RETRY_POLICY,
      retriable: (error) => error instanceof PutRecordsEntriesFailedError || isRetriableAwsError(error),
      ...(o.sleep ? { sleep: o.sleep } : {}),
    },
  );
}

import {
  type BatchResultErrorEntry,
  PublishBatchCommand,
  type PublishBatchRequestEntry,
  SNSClient,
  type SNSClientConfig,
} from '@aws-sdk/client-sns';
import type { Finding } from '../../../schemas/types.js';
import {
  DEFAULT_RETRY_POLICY,
  isRetriableAwsError,
  RetriesExhaustedError,
  type RetryPolicy,
  retry,
  SinkHealth,
} from '../retry.js';
import type { BatchOutcome, FindingSink, RejectedFinding } from '../sink.js';
import { batchesBySize } from './size-batches.js';
import { SNS_MAX_MESSAGE_BYTES, type SnsEntry, snsEntry } from './sns-entry.js';
import { routeFinding, type SnsTopics, type TeamRoute } from './topic-routing.js';

/** PublishBatch takes at most 10 entries. */
export const SNS_MAX_BATCH_ENTRIES = 10;

export interface SnsSinkOptions {
  /** A client, or the config to build one (region, endpoint, credentials); default: from the environment. */
  client?: SNSClient | SNSClientConfig;
  topics: SnsTopics;
  /** Account id → owning team (message attribute `team`) and, optionally, the team's own topic. */
  teams?: Readonly<Record<string, TeamRoute>>;
  retry?: RetryPolicy;
  /**
   * Findings per `send` (default 10, one PublishBatch's worth). A send spreads its findings over their
   * topics, so with several tier/team topics a larger value (e.g. 50) is what fills each call to 10 entries.
   */
  maxBatch?: number;
  /** Waits between retries; tests inject a recorder. */
  sleep?: (ms: number) => Promise<void>;
}

/** Some entries of a PublishBatch failed transiently: retried after a backoff. */
export class SnsEntriesFailedError extends Error {
  override readonly name = 'SnsEntriesFailedError';
  constructor(readonly failed: readonly BatchResultErrorEntry[]) {
    super(
      `${failed.length} entries failed: ${failed.map((entry) => `${entry.Code} ${entry.Message ?? ''}`).join('; ')}`,
    );
  }
}

/** One finding to one topic. */
interface Publication {
  findingIndex: number;
  topicArn: string;
  entry: SnsEntry;
}

interface PublicationFailure {
  reason: string;
  detail: string;
}

/**
 * Publishes findings to SNS with PublishBatch: a topic per tier plus the owning team's topic, attributes for
 * filter policies, FIFO group/dedup ids, batches of ≤ 10 entries and ≤ 256 KiB. Failed entries are resent
 * alone with backoff (SenderFault → rejected for good, reason = SNS's code); throttling and outages of the
 * whole call are retried with the shared policy. A finding is accepted once every one of its publishes is.
 *
 *   const sns = new SnsSink({ client: { region: 'us-east-1' }, topics: { alert: arn }, teams });
 *   const { accepted, rejected } = await sns.send(findings);
 */
export class SnsSink implements FindingSink {
  readonly name = 'sns';
  readonly maxBatch: number;
  readonly health = new SinkHealth();
  private readonly client: SNSClient;
  private readonly ownsClient: boolean;
  private readonly topics: SnsTopics;
  private readonly teams: Readonly<Record<string, TeamRoute>>;
  private readonly policy: RetryPolicy;
  private readonly sleep: ((ms: number) => Promise<void>) | undefined;

  constructor(options: SnsSinkOptions) {
    if (options.client instanceof SNSClient) {
      this.client = options.client;
      this.ownsClient = false;
    } else {
      // maxAttempts 1: our retry policy is the only retry layer, so attempts and backoff are counted once.
      this.client = new SNSClient({ ...options.client, maxAttempts: 1 });
      this.ownsClient = true;
    }
    this.maxBatch = options.maxBatch ?? SNS_MAX_BATCH_ENTRIES;
    this.topics = options.topics;
    this.teams = options.teams ?? {};
    this.policy = options.retry ?? DEFAULT_RETRY_POLICY;
    this.sleep = options.sleep;
  }

  async send(findings: readonly Finding[]): Promise<BatchOutcome> {
    const byTopic = new Map<string, Publication[]>();
    findings.forEach((finding, findingIndex) => {
      const route = routeFinding(finding, this.topics, this.teams);
      for (const topicArn of route.topicArns) {
        const entry = snsEntry(finding, { team: route.team, fifo: topicArn.endsWith('.fifo') });
        const publications = byTopic.get(topicArn) ?? [];
        publications.push({ findingIndex, topicArn, entry });
        byTopic.set(topicArn, publications);
      }
    });
    const batches = [...byTopic.values()].flatMap((publications) =>
      batchesBySize(publications, {
        maxEntries: SNS_MAX_BATCH_ENTRIES,
        maxBytes: SNS_MAX_MESSAGE_BYTES,
        bytes: (publication) => publication.entry.bytes,
      }),
    );
    const results = await Promise.all(batches.map((batch) => this.publishBatch(batch)));

    const failures = new Map<number, PublicationFailure & { topicArn: string }>();
    let retries = 0;
    for (const result of results) {
      retries += result.retries;
      for (const [publication, failure] of result.failures) {
        if (!failures.has(publication.findingIndex)) {
          failures.set(publication.findingIndex, { ...failure, topicArn: publication.topicArn });
        }
      }
    }
    const accepted: Finding[] = [];
    const rejected: RejectedFinding[] = [];
    findings.forEach((finding, index) => {
      const failure = failures.get(index);
      if (!failure) accepted.push(finding);
      else {
        const detail = `${failure.topicArn}: ${failure.detail}`;
        rejected.push({ finding, sink: this.name, reason: failure.reason, detail });
      }
    });
    return { accepted, rejected, retries };
  }

  async close(): Promise<void> {
    if (this.ownsClient) this.client.destroy();
  }

  /** Publishes one batch to one topic, resending only failed entries, until each succeeded or failed for good. */
  private async publishBatch(
    batch: readonly Publication[],
  ): Promise<{ failures: Map<Publication, PublicationFailure>; retries: number }> {
    const topicArn = batch[0]?.topicArn;
    const failures = new Map<Publication, PublicationFailure>();
    let retries = 0;
    // Batch entry ids are positions in the batch: distinct, and stable across resends.
    let pending = batch.map((publication, index) => ({ id: String(index), publication }));
    try {
      await retry(
        async () => {
          const output = await this.client.send(
            new PublishBatchCommand({
              TopicArn: topicArn,
              PublishBatchRequestEntries: pending.map(({ id, publication }) =>
                requestEntry(id, publication.entry),
              ),
            }),
          );
          const succeeded = new Set((output.Successful ?? []).map((entry) => entry.Id));
          const failedById = new Map((output.Failed ?? []).map((entry) => [entry.Id, entry]));
          const transient: BatchResultErrorEntry[] = [];
          pending = pending.filter(({ id, publication }) => {
            if (succeeded.has(id)) return false;
            const failed = failedById.get(id);
            if (failed?.SenderFault) {
              failures.set(publication, {
                reason: failed.Code ?? 'sender_fault',
                detail: failed.Message ?? '',
              });
              return false;
            }
            // A server-side failure, or an entry SNS did not mention at all: send it again.
            transient.push(failed ?? { Id: id, Code: 'missing_from_response', SenderFault: false });
            return true;
          });
          if (transient.length > 0) throw new SnsEntriesFailedError(transient);
          this.health.recordSuccess();
        },
        {
          policy: this.policy,
          retriable: (error) => error instanceof SnsEntriesFailedError || isRetriableAwsError(error),
          onRetry: () => {
            retries += 1;
            this.health.recordFailure();
          },
          ...(this.sleep ? { sleep: this.sleep } : {}),
        },
      );
    } catch (error) {
      this.health.recordFailure();
      const reason = error instanceof RetriesExhaustedError ? 'retries_exhausted' : errorCode(error);
      const detail = describe(error);
      for (const { publication } of pending) failures.set(publication, { reason, detail });
    }
    return { failures, retries };
  }
}

function requestEntry(id: string, entry: SnsEntry): PublishBatchRequestEntry {
  const request: PublishBatchRequestEntry = {
    Id: id,
    Message: entry.message,
    MessageStructure: 'json',
    MessageAttributes: entry.attributes,
  };
  if (entry.groupId !== undefined) request.MessageGroupId = entry.groupId;
  if (entry.deduplicationId !== undefined) request.MessageDeduplicationId = entry.deduplicationId;
  return request;
}

/** SNS's error code (e.g. `InvalidParameter`, `NotFound`, `AuthorizationError`) for a call that failed for good. */
function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { Code, name } = error as { Code?: unknown; name?: unknown };
    if (typeof Code === 'string' && Code) return Code;
    if (typeof name === 'string' && name) return name;
  }
  return 'sink_error';
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

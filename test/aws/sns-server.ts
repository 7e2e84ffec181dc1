import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';
/** Publish and PublishBatch (in total) accept at most 256 KiB of message and attributes. */
export const SNS_MAX_BYTES = 262_144;
export const SNS_MAX_BATCH_ENTRIES = 10;
const FIFO_DEDUP_WINDOW_MS = 5 * 60_000;

export interface SnsAttribute {
  dataType: string;
  value: string;
}

/** One message as SNS received it. */
export interface SnsMessage {
  topicArn: string;
  messageId: string;
  /** The batch entry id (PublishBatch) or null (Publish). */
  entryId: string | null;
  message: string;
  subject: string | null;
  messageStructure: string | null;
  attributes: Record<string, SnsAttribute>;
  groupId: string | null;
  deduplicationId: string | null;
  /** When SNS accepted it (the server's clock, epoch ms). */
  acceptedAt: number;
}

/** One HTTP request: what was asked and how it was answered. */
export interface SnsRequest {
  action: string;
  topicArn: string | null;
  entries: number;
  /** Message + attribute bytes of all entries, as SNS counts them for its 256 KiB limit. */
  bytes: number;
  status: number;
  /** The error code of a failed request, else null. */
  error: string | null;
}

export type SnsEntryPredicate = (message: SnsMessage) => boolean;

interface EntryFailure {
  predicate: SnsEntryPredicate;
  code: string;
  senderFault: boolean;
  remaining: number;
}

class SnsRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly type: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender',
  ) {
    super(message);
  }
}

/**
 * A loopback stand-in for Amazon SNS that speaks the AWS **query protocol** the SDK uses for SNS
 * (@aws-sdk/client-sns 3.x: form-urlencoded `Action=PublishBatch&Version=2010-03-31&...`, XML responses;
 * no `x-amz-target`/JSON). Implements Publish and PublishBatch with AWS's limits, FIFO deduplication,
 * and injectable throttling, per-entry failures and outages; records everything it received.
 *
 *   const sns = await SnsServer.start();
 *   const client = new SNSClient({ endpoint: sns.endpoint, region: 'us-east-1', credentials });
 */
export class SnsServer {
  /** Messages SNS accepted and would deliver (FIFO duplicates excluded), in order of acceptance. */
  readonly messages: SnsMessage[] = [];
  /** FIFO messages accepted as successful but dropped as duplicates within the 5-minute window. */
  readonly duplicates: SnsMessage[] = [];
  readonly requests: SnsRequest[] = [];
  private throttled = 0;
  private outageUntil = 0;
  private readonly failures: EntryFailure[] = [];
  /** FIFO topic → deduplication id → acceptance time and the message id reported again for duplicates. */
  private readonly dedup = new Map<string, Map<string, { at: number; messageId: string }>>();

  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
    private readonly now: () => number,
    private readonly topics: ReadonlySet<string> | undefined,
  ) {}

  /**
   * Listens on 127.0.0.1 on a free port; `now` drives FIFO dedup and outages (wall clock by default);
   * with `topics`, publishing to any other topic fails with NotFound (HTTP 404) as for a deleted topic.
   */
  static async start(options: { now?: () => number; topics?: readonly string[] } = {}): Promise<SnsServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const topics = options.topics ? new Set(options.topics) : undefined;
    const sns = new SnsServer(server, `http://127.0.0.1:${port}`, options.now ?? Date.now, topics);
    server.on('request', (request, response) => {
      sns.handle(request, response).catch((error: unknown) => {
        response.statusCode = 500;
        response.end(String(error));
      });
    });
    return sns;
  }

  /** The next `n` Publish/PublishBatch requests fail whole with `Throttled` (HTTP 429), as SNS throttles. */
  throttleNext(n: number): void {
    this.throttled += n;
  }

  /**
   * Entries matching `predicate` fail with `code` (reported in PublishBatch's `Failed`, or as the request's
   * error for Publish), `times` times in all (default: always). SenderFault=false is a transient server fault.
   */
  failEntries(predicate: SnsEntryPredicate, code: string, senderFault: boolean, times = Infinity): void {
    this.failures.push({ predicate, code, senderFault, remaining: times });
  }

  /** Every request gets HTTP 503 ServiceUnavailable for the next `ms` milliseconds; returns when it ends. */
  outage(ms: number): number {
    this.outageUntil = this.now() + ms;
    return this.outageUntil;
  }

  /** Ends any outage now. */
  recover(): void {
    this.outageUntil = 0;
  }

  /** Messages accepted per topic ARN. */
  messagesTo(topicArn: string): SnsMessage[] {
    return this.messages.filter((message) => message.topicArn === topicArn);
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const action = form.get('Action') ?? '';
    const topicArn = form.get('TopicArn');
    const log: SnsRequest = { action, topicArn, entries: 0, bytes: 0, status: 200, error: null };
    this.requests.push(log);
    try {
      const xml = this.dispatch(action, form, log);
      reply(response, 200, xml);
    } catch (error) {
      if (!(error instanceof SnsRequestError)) throw error;
      log.status = error.status;
      log.error = error.code;
      reply(response, error.status, errorXml(error));
    }
  }

  private dispatch(action: string, form: URLSearchParams, log: SnsRequest): string {
    if (this.now() < this.outageUntil) {
      throw new SnsRequestError(503, 'ServiceUnavailable', 'Service is unavailable. Please try again.');
    }
    if (action !== 'Publish' && action !== 'PublishBatch') {
      throw new SnsRequestError(400, 'InvalidAction', `The action ${action} is not valid for this endpoint.`);
    }
    if (this.throttled > 0) {
      this.throttled -= 1;
      throw new SnsRequestError(429, 'Throttled', 'Rate exceeded');
    }
    const topicArn = form.get('TopicArn');
    if (!topicArn) throw new SnsRequestError(400, 'InvalidParameter', 'Invalid parameter: TopicArn');
    if (this.topics && !this.topics.has(topicArn))
      throw new SnsRequestError(404, 'NotFound', 'Topic does not exist');
    return action === 'Publish' ? this.publish(topicArn, form, log) : this.publishBatch(topicArn, form, log);
  }

  private publish(topicArn: string, form: URLSearchParams, log: SnsRequest): string {
    const message = readMessage(form, '', topicArn, null);
    log.entries = 1;
    log.bytes = messageBytes(message);
    if (log.bytes > SNS_MAX_BYTES) {
      throw new SnsRequestError(400, 'InvalidParameter', 'Invalid parameter: Message too long');
    }
    const failure = this.validate(message) ?? this.injectedFailure(message);
    if (failure) throw new SnsRequestError(failure.senderFault ? 400 : 500, failure.code, failure.message);
    const messageId = this.accept(message);
    return `<PublishResponse xmlns="${XMLNS}"><PublishResult><MessageId>${messageId}</MessageId></PublishResult>${metadata()}</PublishResponse>`;
  }

  private publishBatch(topicArn: string, form: URLSearchParams, log: SnsRequest): string {
    const entries: SnsMessage[] = [];
    for (let n = 1; form.has(`PublishBatchRequestEntries.member.${n}.Id`); n += 1) {
      const prefix = `PublishBatchRequestEntries.member.${n}.`;
      entries.push(readMessage(form, prefix, topicArn, form.get(`${prefix}Id`)));
    }
    log.entries = entries.length;
    log.bytes = entries.reduce((sum, entry) => sum + messageBytes(entry), 0);
    if (entries.length === 0) {
      throw new SnsRequestError(400, 'EmptyBatchRequest', 'The batch request does not contain any entries.');
    }
    if (entries.length > SNS_MAX_BATCH_ENTRIES) {
      throw new SnsRequestError(
        400,
        'TooManyEntriesInBatchRequest',
        `The batch request contains more entries than permissible: ${entries.length}.`,
      );
    }
    if (new Set(entries.map((entry) => entry.entryId)).size !== entries.length) {
      throw new SnsRequestError(
        400,
        'BatchEntryIdsNotDistinct',
        'Two or more batch entries have the same Id.',
      );
    }
    if (log.bytes > SNS_MAX_BYTES) {
      throw new SnsRequestError(
        400,
        'BatchRequestTooLong',
        `The length of all the messages put together is more than the limit: ${log.bytes} bytes.`,
      );
    }
    const successful: string[] = [];
    const failed: string[] = [];
    for (const entry of entries) {
      const failure = this.validate(entry) ?? this.injectedFailure(entry);
      if (failure) {
        failed.push(
          `<member><Id>${escapeXml(entry.entryId ?? '')}</Id><Code>${failure.code}</Code>` +
            `<Message>${escapeXml(failure.message)}</Message><SenderFault>${failure.senderFault}</SenderFault></member>`,
        );
      } else {
        const messageId = this.accept(entry);
        successful.push(
          `<member><Id>${escapeXml(entry.entryId ?? '')}</Id><MessageId>${messageId}</MessageId></member>`,
        );
      }
    }
    return (
      `<PublishBatchResponse xmlns="${XMLNS}"><PublishBatchResult><Successful>${successful.join('')}</Successful>` +
      `<Failed>${failed.join('')}</Failed></PublishBatchResult>${metadata()}</PublishBatchResponse>`
    );
  }

  /** What SNS itself rejects: FIFO ids, a `json` structure without a `default` string. */
  private validate(message: SnsMessage): { code: string; message: string; senderFault: boolean } | undefined {
    if (message.topicArn.endsWith('.fifo')) {
      if (!message.groupId) {
        return invalid('The MessageGroupId parameter is required for FIFO topics');
      }
      if (!message.deduplicationId) {
        return invalid(
          'The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
        );
      }
    }
    if (message.messageStructure === 'json' && !hasDefaultString(message.message)) {
      return invalid('Message Structure - No default entry in JSON message body');
    }
    return undefined;
  }

  private injectedFailure(
    message: SnsMessage,
  ): { code: string; message: string; senderFault: boolean } | undefined {
    const failure = this.failures.find(
      (candidate) => candidate.remaining > 0 && candidate.predicate(message),
    );
    if (!failure) return undefined;
    failure.remaining -= 1;
    return { code: failure.code, message: `injected ${failure.code}`, senderFault: failure.senderFault };
  }

  /** Records an accepted message; a FIFO duplicate within 5 minutes succeeds with the original id, undelivered. */
  private accept(message: SnsMessage): string {
    message.acceptedAt = this.now();
    if (message.topicArn.endsWith('.fifo') && message.deduplicationId) {
      const seen = this.dedup.get(message.topicArn) ?? new Map<string, { at: number; messageId: string }>();
      this.dedup.set(message.topicArn, seen);
      const previous = seen.get(message.deduplicationId);
      const now = this.now();
      if (previous && now - previous.at < FIFO_DEDUP_WINDOW_MS) {
        this.duplicates.push({ ...message, messageId: previous.messageId });
        return previous.messageId;
      }
      seen.set(message.deduplicationId, { at: now, messageId: message.messageId });
    }
    this.messages.push(message);
    return message.messageId;
  }
}

function readMessage(
  form: URLSearchParams,
  prefix: string,
  topicArn: string,
  entryId: string | null,
): SnsMessage {
  const attributes: Record<string, SnsAttribute> = {};
  for (let n = 1; form.has(`${prefix}MessageAttributes.entry.${n}.Name`); n += 1) {
    const base = `${prefix}MessageAttributes.entry.${n}.`;
    attributes[form.get(`${base}Name`) ?? ''] = {
      dataType: form.get(`${base}Value.DataType`) ?? '',
      value: form.get(`${base}Value.StringValue`) ?? form.get(`${base}Value.BinaryValue`) ?? '',
    };
  }
  return {
    topicArn,
    messageId: randomUUID(),
    entryId,
    message: form.get(`${prefix}Message`) ?? '',
    subject: form.get(`${prefix}Subject`),
    messageStructure: form.get(`${prefix}MessageStructure`),
    attributes,
    groupId: form.get(`${prefix}MessageGroupId`),
    deduplicationId: form.get(`${prefix}MessageDeduplicationId`),
    acceptedAt: 0,
  };
}

/**
 * SNS counts the message and each attribute's name, data type and value against the 256 KiB limit.
 *
 *   messageBytes(message); // 1234
 */
export function messageBytes(message: Pick<SnsMessage, 'message' | 'attributes'>): number {
  let bytes = Buffer.byteLength(message.message);
  for (const [name, attribute] of Object.entries(message.attributes)) {
    bytes +=
      Buffer.byteLength(name) + Buffer.byteLength(attribute.dataType) + Buffer.byteLength(attribute.value);
  }
  return bytes;
}

function hasDefaultString(body: string): boolean {
  try {
    const parsed: unknown = JSON.parse(body);
    return (
      typeof parsed === 'object' &&
      parsed !== null &&
      typeof (parsed as Record<string, unknown>).default === 'string'
    );
  } catch {
    return false;
  }
}

function invalid(detail: string): { code: string; message: string; senderFault: boolean } {
  return { code: 'InvalidParameter', message: `Invalid parameter: ${detail}`, senderFault: true };
}

function metadata(): string {
  return `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata>`;
}

function errorXml(error: SnsRequestError): string {
  return (
    `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${error.type}</Type><Code>${error.code}</Code>` +
    `<Message>${escapeXml(error.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`
  );
}

function reply(response: ServerResponse, status: number, xml: string): void {
  response.statusCode = status;
  response.setHeader('content-type', 'text/xml');
  response.setHeader('x-amzn-requestid', randomUUID());
  response.end(xml);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);
}

import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { JsonObject } from '../../schemas/types.js';

/** A message the record processor sent: `status` or `checkpoint`. */
export type ChildMessage = { action: string } & JsonObject;

/**
 * Plays the MultiLangDaemon in tests: writes actions as JSON lines to the processor's input and reads its
 * messages (blank lines skipped, as the daemon does), in-process over PassThrough streams or over a child's stdio.
 *
 *   const daemon = new TestDaemon(child.stdin, child.stdout);
 *   daemon.send({ action: 'initialize', shardId: 'shardId-000000000000' }); await daemon.next(); // status
 */
export class TestDaemon {
  private readonly received: ChildMessage[] = [];
  private readonly waiting: ((message: ChildMessage) => void)[] = [];

  constructor(
    private readonly toChild: Writable,
    fromChild: Readable,
  ) {
    createInterface({ input: fromChild }).on('line', (line) => {
      if (line.trim() === '') return;
      const message = JSON.parse(line) as ChildMessage;
      const waiter = this.waiting.shift();
      if (waiter) waiter(message);
      else this.received.push(message);
    });
  }

  send(action: JsonObject): void {
    this.toChild.write(`${JSON.stringify(action)}\n`);
  }

  /** The processor's next message, in the order sent. */
  next(): Promise<ChildMessage> {
    const message = this.received.shift();
    if (message) return Promise.resolve(message);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Replies to a checkpoint request as the daemon does; `error` is a Java exception name. */
  replyCheckpoint(sequenceNumber: string | null, error: string | null = null): void {
    this.send({ action: 'checkpoint', sequenceNumber, subSequenceNumber: null, error });
  }

  /** Messages received and not yet taken by next(). */
  get unread(): number {
    return this.received.length;
  }
}

/** A Kinesis record as the daemon sends it, the data base64-encoded. */
export function kclRecord(
  sequenceNumber: string,
  data: string | Uint8Array,
  subSequenceNumber = 0,
): JsonObject {
  return {
    action: 'record',
    data: Buffer.from(data).toString('base64'),
    partitionKey: 'pk',
    sequenceNumber,
    subSequenceNumber,
    approximateArrivalTimestamp: 1_764_000_000_000,
  };
}

import { mkdirSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RejectedFinding } from './sink.js';

/**
 * Where findings a sink rejected for good end up, so nothing vanishes. `write` resolves only once the
 * data is durable; Delivery acks a rejected finding only after that.
 *
 *   await deadLetters.write([{ finding, sink: 'sns', reason: 'invalid_parameter', detail: '...' }]);
 */
export interface FindingDeadLetterSink {
  write(rejected: readonly RejectedFinding[]): Promise<void>;
  close(): Promise<void>;
}

/** One line of the dead-letter file: the rejection plus when it happened (wall clock, epoch ms). */
export interface FindingDeadLetterLine extends RejectedFinding {
  rejectedAt: number;
}

/**
 * Appends rejected findings as JSON Lines and fsyncs each write, so an acked rejection survives a crash.
 * Writes are serialised: lines of concurrent writes never interleave.
 *
 *   const deadLetters = new DeadLetterFile('out/findings.dead-letters.jsonl');
 *   await deadLetters.write(outcome.rejected);
 */
export class DeadLetterFile implements FindingDeadLetterSink {
  private handle: Promise<FileHandle> | undefined;
  private tail: Promise<void> = Promise.resolve();
  written = 0;

  constructor(
    readonly path: string,
    private readonly now: () => number = Date.now,
  ) {}

  write(rejected: readonly RejectedFinding[]): Promise<void> {
    if (rejected.length === 0) return this.tail;
    const rejectedAt = this.now();
    const text = rejected
      .map((entry) => `${JSON.stringify({ ...entry, rejectedAt } satisfies FindingDeadLetterLine)}\n`)
      .join('');
    const written = this.tail.then(async () => {
      const handle = await this.opened();
      await handle.appendFile(text);
      await handle.datasync();
      this.written += rejected.length;
    });
    // A failed write is reported to its caller; later writes still run.
    this.tail = written.catch(() => undefined);
    return written;
  }

  async close(): Promise<void> {
    await this.tail;
    const handle = this.handle;
    this.handle = undefined;
    if (handle) await (await handle).close();
  }

  /** Opened on first use (append), so a run without rejections leaves no empty file behind. */
  private opened(): Promise<FileHandle> {
    if (!this.handle) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.handle = open(this.path, 'a');
    }
    return this.handle;
  }
}

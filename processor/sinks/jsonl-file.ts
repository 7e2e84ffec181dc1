import { once } from 'node:events';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Appends one JSON document per line to a file. `write` is synchronous for the pipeline's sake;
 * callers `await drained()` between batches so a slow disk slows the reader instead of filling memory.
 */
export class JsonlFile<T> {
  private readonly stream: WriteStream;
  private failure: Error | undefined;
  written = 0;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.stream = createWriteStream(path, { flags: 'w' });
    // Kept and rethrown from drained()/close(): an unhandled 'error' event would kill the process.
    this.stream.on('error', (error) => {
      this.failure = error;
    });
  }

  write(item: T): void {
    this.stream.write(`${JSON.stringify(item)}\n`);
    this.written += 1;
  }

  async drained(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.stream.writableNeedDrain) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    if (this.failure) throw this.failure;
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

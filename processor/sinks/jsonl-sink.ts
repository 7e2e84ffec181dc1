import type { Writable } from 'node:stream';
import type { Finding } from '../../schemas/types.js';
import { JsonlFile } from './jsonl-file.js';
import type { BatchOutcome, FindingSink } from './sink.js';

/** A file path, or a stream such as process.stdout (left open on close). */
export type JsonlTarget = { path: string } | { stream: Writable };

/**
 * Writes findings as JSON Lines, one finding per line (schemas/finding.avsc fields), to a file or stdout; used by replay.
 * A batch is accepted once it is handed to the OS (file: when the stream has drained; stream: write callback).
 *
 *   const sink = new JsonlSink({ path: 'out/findings.jsonl' });
 *   await sink.send(findings); // { accepted: findings, rejected: [], retries: 0 }
 */
export class JsonlSink implements FindingSink {
  readonly name = 'jsonl';
  readonly maxBatch = 500;
  private readonly file: JsonlFile<Finding> | undefined;
  private readonly stream: Writable | undefined;

  constructor(target: JsonlTarget) {
    if ('path' in target) this.file = new JsonlFile<Finding>(target.path);
    else this.stream = target.stream;
  }

  async send(findings: readonly Finding[]): Promise<BatchOutcome> {
    if (this.file) {
      for (const finding of findings) this.file.write(finding);
      await this.file.drained();
    } else if (this.stream && findings.length > 0) {
      const text = findings.map((finding) => `${JSON.stringify(finding)}\n`).join('');
      await writeTo(this.stream, text);
    }
    return { accepted: [...findings], rejected: [], retries: 0 };
  }

  async close(): Promise<void> {
    await this.file?.close();
  }
}

/** Resolves when the stream has handed the chunk on (its write callback), so at most one batch is buffered. */
function writeTo(stream: Writable, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(text, (error) => (error ? reject(error) : resolve()));
  });
}

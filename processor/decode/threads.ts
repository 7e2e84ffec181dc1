import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DecodeResult } from './batch.js';
import { type DecodeOptions, decodeContext } from './options.js';
import { RecordFilter } from './record-filter.js';
import type { BatchMessage, DecodeThreadSetup, FromDecodeThread, ToDecodeThread } from './thread-protocol.js';
import { CREDIT_EVERY } from './thread-protocol.js';
import { DeferredDecoder } from './undefer.js';

/** Thrown for a file a decode thread could not read (an I/O error; bad content is dead-lettered instead). */
export class DecodeThreadError extends Error {
  override readonly name = 'DecodeThreadError';
}

/** A file's batches as they arrive from its decode thread. */
interface FileStream {
  id: number;
  thread: DecodeThread;
  queue: BatchMessage[];
  /** Batches taken since credit was last given back. */
  uncredited: number;
  done: boolean;
  error: Error | null;
  wake: (() => void) | null;
}

interface DecodeThread {
  worker: Worker;
  /** Files it decodes now: new files go to the least busy thread. */
  active: number;
}

/**
 * A small pool of worker threads that read, gunzip, prefilter and decode files for a replay, so the main
 * thread only runs the event-time pipeline. Each file is decoded by one thread, in order, at most
 * BATCH_CREDITS batches ahead of the main thread; what a file yields does not depend on the thread count.
 *
 *   const threads = new DecodeThreads(2, { routes: pipeline.wanted.routes });
 *   threads.expect(['a.json.gz', 'b.json.gz']);              // start reading ahead
 *   for await (const batch of { [Symbol.asyncIterator]: () => threads.batches('a.json.gz') }) use(batch);
 *   await threads.close();
 */
export class DecodeThreads {
  private readonly threads: DecodeThread[];
  private readonly files = new Map<string, FileStream>();
  private readonly byId = new Map<number, FileStream>();
  private readonly firstRequests = new Map<
    number,
    { resolve: (times: (number | null)[]) => void; reject: (error: Error) => void }
  >();
  private nextId = 0;
  private failure: Error | null = null;
  private readonly deferred: DeferredDecoder;

  constructor(count: number, setup: DecodeThreadSetup) {
    this.deferred = deferredDecoder(setup);
    this.threads = Array.from({ length: Math.max(1, count) }, () => this.start(setup));
  }

  /** Each file's first record time (null: none), read by the threads in parallel. */
  async firstTimes(files: readonly string[]): Promise<(number | null)[]> {
    if (this.failure) throw this.failure;
    const share = Math.ceil(files.length / this.threads.length);
    const parts = await Promise.all(
      this.threads.map((thread, index) => {
        const slice = files.slice(index * share, (index + 1) * share);
        if (slice.length === 0) return Promise.resolve([]);
        const request = this.nextId++;
        this.post(thread, { kind: 'first', request, files: slice });
        return new Promise<(number | null)[]>((resolve, reject) => {
          this.firstRequests.set(request, { resolve, reject });
        });
      }),
    );
    return parts.flat();
  }

  /** Starts decoding these files (in this order) if not started yet, so their first batches are ready. */
  expect(files: readonly string[]): void {
    for (const file of files) this.stream(file);
  }

  /** The file's batches in order; starts decoding it if `expect` did not. */
  batches(file: string): AsyncIterator<DecodeResult> {
    const stream = this.stream(file);
    return {
      next: async () => {
        while (stream.queue.length === 0 && !stream.done && stream.error === null) {
          await new Promise<void>((resolve) => {
            stream.wake = resolve;
          });
        }
        const message = stream.queue.shift();
        if (message) {
          stream.uncredited += 1;
          if (stream.uncredited === CREDIT_EVERY) {
            this.post(stream.thread, { kind: 'credit', id: stream.id, count: stream.uncredited });
            stream.uncredited = 0;
          }
          return { done: false, value: this.deferred.decode(message, file) };
        }
        if (stream.error) throw stream.error;
        this.files.delete(file);
        return { done: true, value: undefined };
      },
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread.worker.terminate()));
  }

  private stream(file: string): FileStream {
    let stream = this.files.get(file);
    if (stream) return stream;
    const thread = this.threads.reduce((least, candidate) =>
      candidate.active < least.active ? candidate : least,
    );
    stream = {
      id: this.nextId++,
      thread,
      queue: [],
      uncredited: 0,
      done: false,
      error: this.failure,
      wake: null,
    };
    this.files.set(file, stream);
    this.byId.set(stream.id, stream);
    thread.active += 1;
    this.post(thread, { kind: 'decode', id: stream.id, file });
    return stream;
  }

  private start(setup: DecodeThreadSetup): DecodeThread {
    const extension = extname(fileURLToPath(import.meta.url));
    const entry = new URL(`./thread${extension}`, import.meta.url);
    // Run from TypeScript sources (tests), the thread registers tsx before loading thread.ts.
    const worker =
      extension === '.ts'
        ? new Worker(
            `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); })`,
            { eval: true, workerData: setup },
          )
        : new Worker(entry, { workerData: setup });
    const thread: DecodeThread = { worker, active: 0 };
    worker.on('message', (message: FromDecodeThread) => this.receive(thread, message));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => {
      if (code !== 0) this.fail(new DecodeThreadError(`decode thread exited with code ${code}`));
    });
    return thread;
  }

  private receive(thread: DecodeThread, message: FromDecodeThread): void {
    if (message.kind === 'first') {
      this.firstRequests.get(message.request)?.resolve(message.times);
      this.firstRequests.delete(message.request);
      return;
    }
    if (message.kind === 'error' && message.request !== undefined) {
      this.firstRequests.get(message.request)?.reject(new DecodeThreadError(message.message));
      this.firstRequests.delete(message.request);
      return;
    }
    const stream = this.byId.get(message.id as number);
    if (!stream) return;
    if (message.kind === 'batch') stream.queue.push(message);
    else {
      if (message.kind === 'error') stream.error = new DecodeThreadError(message.message);
      stream.done = true;
      thread.active -= 1;
      this.byId.delete(stream.id);
    }
    stream.wake?.();
    stream.wake = null;
  }

  /** A thread died: every file still expected from any thread fails with its error. */
  private fail(error: Error): void {
    this.failure = error;
    for (const stream of this.byId.values()) {
      stream.error = error;
      stream.wake?.();
      stream.wake = null;
    }
    for (const request of this.firstRequests.values()) request.reject(error);
    this.firstRequests.clear();
  }

  private post(thread: DecodeThread, message: ToDecodeThread): void {
    thread.worker.postMessage(message);
  }
}

/** How this thread parses what the threads deferred: the same prefilter and flow format. */
function deferredDecoder(setup: DecodeThreadSetup): DeferredDecoder {
  const options: DecodeOptions = {};
  if (setup.flowFormat !== undefined) options.flowFormat = setup.flowFormat;
  if (setup.maxRecordBytes !== undefined) options.maxRecordBytes = setup.maxRecordBytes;
  if (setup.routes !== null) {
    const filter = new RecordFilter(setup.routes);
    options.wants = (source, action) => filter.wants(source, action);
    options.rawNeed = (source, action) => filter.rawNeed(source, action);
  }
  return new DeferredDecoder(decodeContext(options));
}

import { parentPort, workerData } from 'node:worker_threads';
import { decodeFile, firstRecordTime } from './file.js';
import type { DecodeOptions } from './options.js';
import { RecordFilter } from './record-filter.js';
import {
  BATCH_CREDITS,
  type BatchMessage,
  type DecodeThreadSetup,
  type FromDecodeThread,
  type ToDecodeThread,
} from './thread-protocol.js';

/**
 * A decode thread (see DecodeThreads): reads, gunzips, prefilters and decodes the files the main thread
 * asks for, and sends their batches back in order, at most BATCH_CREDITS ahead per file.
 */
const port = parentPort;
if (port === null) throw new Error('decode thread: not started as a worker thread');
const setup = workerData as DecodeThreadSetup;
const options: DecodeOptions = {};
if (setup.flowFormat !== undefined) options.flowFormat = setup.flowFormat;
if (setup.maxRecordBytes !== undefined) options.maxRecordBytes = setup.maxRecordBytes;
if (setup.routes !== null) {
  const filter = new RecordFilter(setup.routes);
  options.wants = (source, action) => filter.wants(source, action);
  options.needles = (source, action) => filter.needles(source, action);
}

/** Per file being decoded: batches it may still send, and the wake-up of a decode waiting for one. */
const credits = new Map<number, { left: number; wake: (() => void) | null }>();

function send(message: FromDecodeThread, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer);
}

async function decode(id: number, file: string): Promise<void> {
  const credit = { left: BATCH_CREDITS, wake: null as (() => void) | null };
  credits.set(id, credit);
  try {
    for await (const batch of decodeFile(file, options)) {
      while (credit.left === 0) {
        await new Promise<void>((resolve) => {
          credit.wake = resolve;
        });
      }
      credit.left -= 1;
      const skippedTimes = Float64Array.from(batch.skippedTimes ?? []);
      const message: BatchMessage = {
        kind: 'batch',
        id,
        eventsJson: JSON.stringify(batch.events),
        deadLetters: batch.deadLetters,
        ignored: batch.ignored,
        skipped: batch.skipped,
        skippedTimes,
      };
      send(message, [skippedTimes.buffer as ArrayBuffer]);
    }
    send({ kind: 'end', id });
  } catch (error) {
    send({ kind: 'error', id, message: error instanceof Error ? error.message : String(error) });
  } finally {
    credits.delete(id);
  }
}

async function firstTimes(request: number, files: readonly string[]): Promise<void> {
  try {
    const times: (number | null)[] = [];
    for (const file of files) times.push(await firstRecordTime(file, options));
    send({ kind: 'first', request, times });
  } catch (error) {
    send({ kind: 'error', request, message: error instanceof Error ? error.message : String(error) });
  }
}

port.on('message', (message: ToDecodeThread) => {
  if (message.kind === 'decode') void decode(message.id, message.file);
  else if (message.kind === 'first') void firstTimes(message.request, message.files);
  else {
    const credit = credits.get(message.id);
    if (!credit) return;
    credit.left += 1;
    credit.wake?.();
    credit.wake = null;
  }
});

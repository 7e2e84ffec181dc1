import { parentPort, workerData } from 'node:worker_threads';
import type { DecodeResult } from './batch.js';
import type { Origin } from './dead-letter.js';
import { decodeFile, firstRecordTime } from './file.js';
import { flowLineId } from './flowlog.js';
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
const options: DecodeOptions = { defer: true };
if (setup.flowFormat !== undefined) options.flowFormat = setup.flowFormat;
if (setup.maxRecordBytes !== undefined) options.maxRecordBytes = setup.maxRecordBytes;
if (setup.routes !== null) {
  const filter = new RecordFilter(setup.routes);
  options.wants = (source, action) => filter.wants(source, action);
  options.rawNeed = (source, action) => filter.rawNeed(source, action);
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
      const message = pack(id, batch);
      send(message, [
        message.skippedTimes.buffer as ArrayBuffer,
        message.indexes.buffer as ArrayBuffer,
        message.offsets.buffer as ArrayBuffer,
        message.lengths.buffer as ArrayBuffer,
        message.formatIds.buffer as ArrayBuffer,
      ]);
    }
    send({ kind: 'end', id });
  } catch (error) {
    send({ kind: 'error', id, message: error instanceof Error ? error.message : String(error) });
  } finally {
    credits.delete(id);
  }
}

/** A batch as arrays of strings and numbers; with `defer` a thread's batches hold no events. */
function pack(id: number, batch: DecodeResult): BatchMessage {
  if (batch.events.length > 0) throw new Error('decode thread: a deferring decode produced events');
  const deferred = batch.deferred ?? { texts: [], origins: [], flowFormats: [] };
  const count = deferred.texts.length;
  const formats: string[] = [];
  const formatIds = new Int32Array(count);
  const indexes = new Int32Array(count);
  const offsets = new Float64Array(count);
  const lengths = new Int32Array(count);
  let flowIds = '';
  for (let entry = 0; entry < count; entry += 1) {
    const text = deferred.texts[entry] as string;
    const format = deferred.flowFormats[entry] ?? null;
    let formatId = format === null ? -1 : formats.indexOf(format);
    if (format !== null && formatId < 0) formatId = formats.push(format) - 1;
    formatIds[entry] = formatId;
    const origin = deferred.origins[entry] as Origin;
    indexes[entry] = origin.index ?? -1;
    offsets[entry] = Number(origin.offset);
    lengths[entry] = text.length;
    if (format !== null) flowIds += flowLineId(text);
  }
  return {
    kind: 'batch',
    id,
    texts: deferred.texts.join(''),
    lengths,
    offsets,
    indexes,
    formatIds,
    flowFormats: formats,
    flowIds,
    deadLetters: batch.deadLetters,
    deadLetterPositions: Array.from(batch.deadLetterPositions ?? []),
    ignored: batch.ignored,
    skipped: batch.skipped,
    skippedTimes: Float64Array.from(batch.skippedTimes ?? []),
  };
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
    credit.left += message.count;
    credit.wake?.();
    credit.wake = null;
  }
});

import { DecodeBatch, type DecodeResult } from './batch.js';
import type { DecodeError, Origin } from './dead-letter.js';
import { type FileChunks, openFileChunks } from './file-chunks.js';
import { type FileLayout, fileLayout } from './file-layout.js';
import { isFlowHeader } from './flow-format.js';
import { type JsonElement, JsonSplitter } from './json-splitter.js';
import { splitLines } from './line-splitter.js';
import { type DecodeContext, type DecodeOptions, decodeContext, tryParseFlowFormat } from './options.js';
import { decodeBytesInto } from './record.js';

/** Events per yielded batch (dead letters count too). */
export const FILE_BATCH_SIZE = 1000;

/**
 * Streams a file of records in batches of about FILE_BATCH_SIZE: .json (one object, an array or a
 * `{"Records": [...]}` log file), JSON Lines, flow-log text (a header line sets the format), each
 * optionally gzipped (recognised by magic bytes). Memory stays bounded by the batch and one record.
 * Offsets are line numbers for line files, byte offsets (decompressed) for JSON documents.
 *
 *   for await (const batch of decodeFile('trail.json.gz')) for (const event of batch.events) push(event);
 */
export async function* decodeFile(path: string, options?: DecodeOptions): AsyncGenerator<DecodeResult> {
  const context = decodeContext(options);
  const file = await openFileChunks(path);
  const chunks = file.chunks[Symbol.asyncIterator]();
  const start: Buffer[] = [];
  let layout: FileLayout | null = null;
  let length = 0;
  while (layout === null) {
    const next = await chunks.next();
    if (!next.done) {
      start.push(next.value);
      length += next.value.length;
    }
    layout = fileLayout(Buffer.concat(start), next.done === true || length >= context.maxRecordBytes);
  }
  const content: FileChunks = { chunks: prepend(start, chunks), damage: file.damage };
  const batch = new DecodeBatch();
  if (layout.kind === 'lines') yield* decodeLines(path, content, context, batch);
  else if (layout.kind === 'document') yield* decodeDocument(path, content, layout, context, batch);
  else {
    // An empty or binary file is one dead letter; a gzip stream damaged before any content is its own.
    const damage = file.damage();
    const origin: Origin = { input: path, offset: '0' };
    if (damage === null) batch.reject(origin, layout.kind, `${layout.kind} file`, Buffer.concat(start));
    else batch.reject(origin, damage.reason, damage.detail, Buffer.alloc(0));
    await chunks.return?.();
  }
  if (batch.size + batch.ignored + batch.skipped > 0) yield batch.take();
}

async function* decodeLines(
  path: string,
  file: FileChunks,
  initial: DecodeContext,
  batch: DecodeBatch,
): AsyncGenerator<DecodeResult> {
  let context = initial;
  let lastLine = 0;
  for await (const line of splitLines(file.chunks, context.maxRecordBytes)) {
    lastLine = line.number;
    const origin: Origin = { input: path, offset: String(line.number) };
    if (!line.terminated && file.damage() !== null) {
      // A line cut off by the damage: part of the gzip_truncated dead letter, not a record.
      reportDamage(batch, origin, file.damage(), line.bytes);
      return;
    }
    if (line.tooLarge) {
      batch.reject(origin, 'too_large', `line longer than ${context.maxRecordBytes} bytes`, line.bytes);
    } else if (isBlank(line.bytes)) {
      // Blank lines separate nothing in JSON Lines or flow logs: skipped silently.
    } else if (startsWithLetter(line.bytes) && isFlowHeader(line.bytes.toString('utf8'))) {
      context = { ...context, flowFormat: tryParseFlowFormat(line.bytes.toString('utf8')) };
      if (context.flowFormat instanceof Error) {
        batch.reject(origin, 'flow_format_invalid', context.flowFormat.detail, line.bytes);
      } else {
        batch.ignored += 1;
      }
    } else {
      decodeBytesInto(line.bytes, origin, context, batch);
    }
    if (batch.size >= FILE_BATCH_SIZE) yield batch.take();
  }
  reportDamage(batch, { input: path, offset: String(lastLine + 1) }, file.damage(), Buffer.alloc(0));
}

async function* decodeDocument(
  path: string,
  file: FileChunks,
  layout: { depth: 0 | 1 | 2; skip: number },
  context: DecodeContext,
  batch: DecodeBatch,
): AsyncGenerator<DecodeResult> {
  const splitter = new JsonSplitter(layout.depth, context.maxRecordBytes, layout.skip);
  let skip = layout.skip;
  for await (const chunk of file.chunks) {
    const rest = skip >= chunk.length ? null : chunk.subarray(skip);
    skip = Math.max(0, skip - chunk.length);
    if (rest === null) continue;
    for (const element of splitter.write(rest)) {
      const origin: Origin = { input: path, offset: String(element.offset), index: element.index };
      decodeElementInto(element, origin, context, batch);
      if (batch.size >= FILE_BATCH_SIZE) yield batch.take();
    }
  }
  const ending = splitter.end();
  const origin: Origin = { input: path, offset: String(ending.offset) };
  if (file.damage() !== null) {
    reportDamage(batch, origin, file.damage(), ending.tail);
    return;
  }
  for (const element of ending.elements) {
    decodeElementInto(element, { ...origin, index: element.index }, context, batch);
  }
  if (ending.state === 'unterminated') {
    batch.reject(origin, 'json_invalid', 'document ends inside a value', ending.tail);
  } else if (ending.state === 'unbalanced') {
    batch.reject(origin, 'json_invalid', 'unbalanced brackets', ending.tail);
  }
}

/** A value of a JSON document: a record if it is an object or array; a bare scalar never is. */
function decodeElementInto(
  element: JsonElement,
  origin: Origin,
  context: DecodeContext,
  batch: DecodeBatch,
): void {
  const first = element.bytes[0];
  if (element.tooLarge) {
    batch.reject(origin, 'too_large', `value larger than ${context.maxRecordBytes} bytes`, element.bytes);
  } else if (first === 0x7b /* { */ || first === 0x5b /* [ */) {
    decodeBytesInto(element.bytes, origin, context, batch);
  } else {
    const text = element.bytes.toString('utf8');
    const valid = isJson(text);
    batch.reject(origin, valid ? 'json_not_object' : 'json_invalid', `bare value ${text.slice(0, 32)}`, text);
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function reportDamage(batch: DecodeBatch, origin: Origin, damage: DecodeError | null, tail: Buffer): void {
  if (damage !== null) batch.reject(origin, damage.reason, damage.detail, tail);
}

async function* prepend(first: readonly Buffer[], rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield* first;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

function isBlank(line: Buffer): boolean {
  for (const byte of line) if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false;
  return true;
}

function startsWithLetter(line: Buffer): boolean {
  const first = line[0] ?? 0;
  return first >= 0x61 && first <= 0x7a;
}

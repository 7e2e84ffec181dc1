import { DecodeBatch, type DecodeResult } from './batch.js';
import type { DecodeError, Origin } from './dead-letter.js';
import { openFileChunks } from './file-chunks.js';
import { type FileLayout, fileLayout } from './file-layout.js';
import { isFlowHeader } from './flow-format.js';
import { type JsonElement, JsonSplitter } from './json-splitter.js';
import { type Line, LineSplitter } from './line-splitter.js';
import { type DecodeContext, type DecodeOptions, decodeContext, tryParseFlowFormat } from './options.js';
import { decodeBytesInto } from './record.js';

/**
 * Records per yielded batch (events, dead letters and skipped records). Every open file of a replay holds one
 * decoded batch, and S3 delivery opens a file per account, region (or VPC) and 5 minutes at once: small batches
 * keep that memory small.
 */
export const FILE_BATCH_SIZE = 256;

/**
 * Streams a file of records in batches of about FILE_BATCH_SIZE: .json (one object, an array or a
 * `{"Records": [...]}` log file), JSON Lines, flow-log text (a header line sets the format), each
 * optionally gzipped (recognised by magic bytes). Memory stays bounded by the batch and one record.
 * Offsets are line numbers for line files, byte offsets (decompressed) for JSON documents.
 *
 *   for await (const batch of decodeFile('trail.json.gz')) for (const event of batch.events) push(event);
 */
export async function* decodeFile(path: string, options?: DecodeOptions): AsyncGenerator<DecodeResult> {
  yield* decodeFileBatches(path, decodeContext(options), FILE_BATCH_SIZE);
}

/**
 * The event time of a file's first record that has one (dead letters are passed over), read without
 * parsing it when the prefilter scan can; null for a file without any. Reads only as far as that record.
 *
 *   await firstRecordTime('trail.json.gz') // 1795514400000
 */
export async function firstRecordTime(path: string, options?: DecodeOptions): Promise<number | null> {
  // Wanting nothing makes every record a skipped one: only its time is read.
  const context = decodeContext({ ...options, wants: wantsNothing, defer: false });
  for await (const batch of decodeFileBatches(path, context, 1)) {
    const time = batch.skippedTimes?.[1];
    if (time !== undefined) return time;
  }
  return null;
}

function wantsNothing(): boolean {
  return false;
}

async function* decodeFileBatches(
  path: string,
  context: DecodeContext,
  batchRecords: number,
): AsyncGenerator<DecodeResult> {
  const file = await openFileChunks(path);
  const decoder = new FileDecoder(path, context, batchRecords);
  for await (const chunk of file.chunks) {
    yield* decoder.write(chunk);
    if (decoder.finished) break;
  }
  yield* decoder.end(file.damage());
}

/**
 * Decodes a file's bytes as they arrive; synchronous, so the records of a chunk cost no promise each.
 * The layout is decided from the first bytes (up to one record), then lines or JSON document elements are
 * decoded into batches of `batchRecords`.
 */
class FileDecoder {
  private layout: FileLayout | null = null;
  private start: Buffer[] = [];
  private startLength = 0;
  private readonly batch = new DecodeBatch();
  private context: DecodeContext;
  private lines: LineSplitter | null = null;
  private document: { splitter: JsonSplitter; skip: number } | null = null;
  /** A binary or empty file: nothing more to read. */
  finished = false;

  constructor(
    private readonly path: string,
    context: DecodeContext,
    private readonly batchRecords: number,
  ) {
    this.context = context;
  }

  *write(chunk: Buffer): Generator<DecodeResult> {
    if (this.finished) return;
    if (this.layout === null) {
      this.start.push(chunk);
      this.startLength += chunk.length;
      const head = this.start.length === 1 ? chunk : Buffer.concat(this.start);
      this.layout = fileLayout(head, this.startLength >= this.context.maxRecordBytes);
      if (this.layout === null) return;
      this.start = [head];
      if (!this.begin(this.layout)) return;
      yield* this.feed(head);
      this.start = [];
      return;
    }
    yield* this.feed(chunk);
  }

  *end(damage: DecodeError | null): Generator<DecodeResult> {
    if (this.layout === null) {
      const head = Buffer.concat(this.start);
      this.layout = fileLayout(head, true) ?? { kind: 'empty' };
      if (this.begin(this.layout)) yield* this.feed(head);
    }
    if (this.layout.kind === 'empty' || this.layout.kind === 'binary') {
      // An empty or binary file is one dead letter; a gzip stream damaged before any content is its own.
      const origin: Origin = { input: this.path, offset: '0' };
      if (damage === null) {
        const kind = this.layout.kind;
        this.batch.reject(origin, kind, `${kind} file`, Buffer.concat(this.start));
      } else {
        this.batch.reject(origin, damage.reason, damage.detail, Buffer.alloc(0));
      }
    } else if (this.lines) {
      this.endLines(this.lines, damage);
    } else if (this.document) {
      this.endDocument(this.document.splitter, damage);
    }
    if (this.batch.size + this.batch.ignored > 0) yield this.batch.take();
  }

  /** Sets up the reader of the layout; false when the file holds no records (empty or binary). */
  private begin(layout: FileLayout): boolean {
    if (layout.kind === 'lines') this.lines = new LineSplitter(this.context.maxRecordBytes);
    else if (layout.kind === 'document') {
      this.document = {
        splitter: new JsonSplitter(layout.depth, this.context.maxRecordBytes, layout.skip),
        skip: layout.skip,
      };
    } else {
      this.finished = true;
      return false;
    }
    return true;
  }

  private *feed(chunk: Buffer): Generator<DecodeResult> {
    if (this.lines) {
      for (const line of this.lines.write(chunk)) {
        this.decodeLine(line);
        if (this.batch.size >= this.batchRecords) yield this.batch.take();
      }
    } else if (this.document) {
      const { skip } = this.document;
      if (skip >= chunk.length) {
        this.document.skip -= chunk.length;
        return;
      }
      this.document.skip = 0;
      for (const element of this.document.splitter.write(skip > 0 ? chunk.subarray(skip) : chunk)) {
        const origin: Origin = { input: this.path, offset: String(element.offset), index: element.index };
        this.decodeElement(element, origin);
        if (this.batch.size >= this.batchRecords) yield this.batch.take();
      }
    }
  }

  private decodeLine(line: Line): void {
    const context = this.context;
    const origin: Origin = { input: this.path, offset: String(line.number) };
    if (line.tooLarge) {
      this.batch.reject(origin, 'too_large', `line longer than ${context.maxRecordBytes} bytes`, line.bytes);
    } else if (isBlank(line.bytes)) {
      // Blank lines separate nothing in JSON Lines or flow logs: skipped silently.
    } else if (startsWithLetter(line.bytes) && isFlowHeader(line.bytes.toString('utf8'))) {
      this.context = { ...context, flowFormat: tryParseFlowFormat(line.bytes.toString('utf8')) };
      if (this.context.flowFormat instanceof Error) {
        this.batch.reject(origin, 'flow_format_invalid', this.context.flowFormat.detail, line.bytes);
      } else {
        this.batch.ignored += 1;
      }
    } else {
      decodeBytesInto(line.bytes, origin, context, this.batch);
    }
  }

  private endLines(lines: LineSplitter, damage: DecodeError | null): void {
    const last = lines.end();
    if (last !== null && damage !== null) {
      // A line cut off by the damage: part of the gzip_truncated dead letter, not a record.
      this.reportDamage({ input: this.path, offset: String(last.number) }, damage, last.bytes);
      return;
    }
    if (last !== null) this.decodeLine(last);
    this.reportDamage({ input: this.path, offset: String(lines.nextNumber) }, damage, Buffer.alloc(0));
  }

  private endDocument(splitter: JsonSplitter, damage: DecodeError | null): void {
    const ending = splitter.end();
    const origin: Origin = { input: this.path, offset: String(ending.offset) };
    if (damage !== null) {
      this.reportDamage(origin, damage, ending.tail);
      return;
    }
    for (const element of ending.elements) this.decodeElement(element, { ...origin, index: element.index });
    if (ending.state === 'unterminated') {
      this.batch.reject(origin, 'json_invalid', 'document ends inside a value', ending.tail);
    } else if (ending.state === 'unbalanced') {
      this.batch.reject(origin, 'json_invalid', 'unbalanced brackets', ending.tail);
    }
  }

  /** A value of a JSON document: a record if it is an object or array; a bare scalar never is. */
  private decodeElement(element: JsonElement, origin: Origin): void {
    const first = element.bytes[0];
    if (element.tooLarge) {
      const limit = this.context.maxRecordBytes;
      this.batch.reject(origin, 'too_large', `value larger than ${limit} bytes`, element.bytes);
    } else if (first === 0x7b /* { */ || first === 0x5b /* [ */) {
      decodeBytesInto(element.bytes, origin, this.context, this.batch);
    } else {
      const text = element.bytes.toString('utf8');
      const valid = isJson(text);
      const reason = valid ? 'json_not_object' : 'json_invalid';
      this.batch.reject(origin, reason, `bare value ${text.slice(0, 32)}`, text);
    }
  }

  private reportDamage(origin: Origin, damage: DecodeError | null, tail: Buffer): void {
    if (damage !== null) this.batch.reject(origin, damage.reason, damage.detail, tail);
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

function isBlank(line: Buffer): boolean {
  for (const byte of line) if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false;
  return true;
}

function startsWithLetter(line: Buffer): boolean {
  const first = line[0] ?? 0;
  return first >= 0x61 && first <= 0x7a;
}

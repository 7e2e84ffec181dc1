import { HEAD_BYTES } from './dead-letter.js';

export interface Line {
  /** 1-based. */
  number: number;
  /** The line without its line break; for a too-long line only its first HEAD_BYTES bytes. */
  bytes: Buffer;
  tooLarge: boolean;
  /** False for a last line with no line break after it. */
  terminated: boolean;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Splits chunks into lines (LF or CRLF) without ever holding more than `maxLineBytes` of one line:
 * a longer line is reported as tooLarge, its bytes beyond the head discarded as they stream past.
 *
 *   for await (const line of splitLines(chunks, 1_048_576)) handle(line.number, line.bytes);
 */
export async function* splitLines(chunks: AsyncIterable<Buffer>, maxLineBytes: number): AsyncGenerator<Line> {
  let pieces: Buffer[] = [];
  let pending = 0;
  let tooLarge = false;
  let number = 1;
  const finish = (terminated: boolean): Line => {
    const joined = pieces.length === 1 ? (pieces[0] as Buffer) : Buffer.concat(pieces);
    const bytes = tooLarge ? joined : stripCarriageReturn(joined);
    const line: Line = { number, bytes, tooLarge, terminated };
    pieces = [];
    pending = 0;
    tooLarge = false;
    number += 1;
    return line;
  };
  const append = (piece: Buffer): void => {
    if (tooLarge) return;
    pending += piece.length;
    if (pending > maxLineBytes) {
      tooLarge = true;
      pieces = [Buffer.concat([...pieces, piece]).subarray(0, HEAD_BYTES)];
    } else {
      pieces.push(piece);
    }
  };
  for await (const chunk of chunks) {
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end >= 0; end = chunk.indexOf(NEWLINE, start)) {
      append(chunk.subarray(start, end));
      yield finish(true);
      start = end + 1;
    }
    if (start < chunk.length) append(chunk.subarray(start));
  }
  if (pending > 0 || tooLarge) yield finish(false);
}

function stripCarriageReturn(line: Buffer): Buffer {
  return line.length > 0 && line[line.length - 1] === CARRIAGE_RETURN ? line.subarray(0, -1) : line;
}

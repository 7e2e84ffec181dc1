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
 * Synchronous, so a file's lines cost no promise each.
 *
 *   const splitter = new LineSplitter(1_048_576);
 *   for (const line of splitter.write(chunk)) handle(line.number, line.bytes);
 *   const last = splitter.end(); // the line after the last line break, or null
 */
export class LineSplitter {
  private pieces: Buffer[] = [];
  private pending = 0;
  private tooLarge = false;
  private number = 1;

  constructor(private readonly maxLineBytes: number) {}

  /** Number of the line the next byte belongs to. */
  get nextNumber(): number {
    return this.number;
  }

  *write(chunk: Buffer): Generator<Line> {
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end >= 0; end = chunk.indexOf(NEWLINE, start)) {
      if (this.pending === 0 && !this.tooLarge) {
        // The whole line is in this chunk (the usual case): no copy.
        yield end - start > this.maxLineBytes
          ? this.line(chunk.subarray(start, start + HEAD_BYTES), true, true)
          : this.line(stripCarriageReturn(chunk.subarray(start, end)), true, false);
      } else {
        this.append(chunk.subarray(start, end));
        yield this.finish(true);
      }
      start = end + 1;
    }
    if (start < chunk.length) this.append(chunk.subarray(start));
  }

  /** The last line when it has no line break after it. */
  end(): Line | null {
    return this.pending > 0 || this.tooLarge ? this.finish(false) : null;
  }

  private append(piece: Buffer): void {
    if (this.tooLarge) return;
    this.pending += piece.length;
    if (this.pending > this.maxLineBytes) {
      this.tooLarge = true;
      this.pieces = [Buffer.concat([...this.pieces, piece]).subarray(0, HEAD_BYTES)];
    } else {
      this.pieces.push(piece);
    }
  }

  private finish(terminated: boolean): Line {
    const joined = this.pieces.length === 1 ? (this.pieces[0] as Buffer) : Buffer.concat(this.pieces);
    const tooLarge = this.tooLarge;
    this.pieces = [];
    this.pending = 0;
    this.tooLarge = false;
    return this.line(tooLarge ? joined : stripCarriageReturn(joined), terminated, tooLarge);
  }

  private line(bytes: Buffer, terminated: boolean, tooLarge: boolean): Line {
    const line: Line = { number: this.number, bytes, tooLarge, terminated };
    this.number += 1;
    return line;
  }
}

function stripCarriageReturn(line: Buffer): Buffer {
  return line.length > 0 && line[line.length - 1] === CARRIAGE_RETURN ? line.subarray(0, -1) : line;
}

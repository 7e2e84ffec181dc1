import { HEAD_BYTES } from './dead-letter.js';

export interface JsonElement {
  /** Byte offset of the element's first byte in the stream. */
  offset: number;
  /** 0-based position among the elements. */
  index: number;
  /** The element's JSON text; for a too-large element only its first HEAD_BYTES bytes. */
  bytes: Buffer;
  tooLarge: boolean;
}

/** How the input ended: the container closed (or, at depth 0, between values), cut off, or unbalanced. */
export type SplitEnd = 'complete' | 'unterminated' | 'unbalanced';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function isOpen(byte: number): boolean {
  return byte === 0x7b || byte === 0x5b;
}

function isClose(byte: number): boolean {
  return byte === 0x7d || byte === 0x5d;
}

/**
 * Cuts streamed JSON text into the raw text of the values at one nesting depth, without parsing
 * them: depth 1 gives the elements of a top-level array, depth 2 (after the `{"Records":[` prefix)
 * those of a CloudTrail log file, depth 0 a sequence of concatenated values. Each element's text
 * can then be prefiltered and JSON.parse'd on its own; one element never holds more than
 * `maxElementBytes` in memory. stream-json would build every value from tokens instead, which is
 * slower than JSON.parse and leaves no text for the prefilter.
 *
 *   const splitter = new JsonSplitter(1, 1_048_576);
 *   for (const element of splitter.write(chunk)) decode(element.bytes);
 */
export class JsonSplitter {
  private depth: number;
  private inString = false;
  private escaped = false;
  private inElement = false;
  /** The element is a bare scalar (number, literal): it ends at a separator, not a bracket. */
  private scalar = false;
  private closed = false;
  private unbalanced = false;
  private pieces: Buffer[] = [];
  private pendingBytes = 0;
  private tooLarge = false;
  private elementOffset = 0;
  private elementIndex = 0;
  private streamOffset: number;

  /** `startOffset`: where the first chunk starts in the stream (after a prefix the caller consumed). */
  constructor(
    private readonly elementDepth: number,
    private readonly maxElementBytes: number,
    startOffset = 0,
  ) {
    this.depth = elementDepth;
    this.streamOffset = startOffset;
  }

  /**
   * Feeds a chunk; yields the elements it completes, as it finds them (a reader that needs only the first one
   * stops the scan there). Run it to the end for the next chunk to continue where this one stopped.
   */
  *write(chunk: Buffer): Generator<JsonElement> {
    // Latin-1 maps each byte to one character, so string positions are byte positions; string contents are
    // skipped with indexOf instead of byte by byte (most of CloudTrail's bytes are inside strings).
    const text = chunk.toString('latin1');
    let start = 0;
    let at = 0;
    while (at < text.length && !this.closed) {
      if (this.inString) {
        const end = this.stringEnd(text, at);
        if (end < 0) break;
        at = end + 1;
        this.inString = false;
        if (this.inElement && this.depth === this.elementDepth) {
          this.append(chunk.subarray(start, at));
          yield this.finish();
        }
        continue;
      }
      const byte = text.charCodeAt(at);
      if (this.inElement && this.scalar && (isSpace(byte) || byte === COMMA || isClose(byte))) {
        this.append(chunk.subarray(start, at));
        yield this.finish();
      }
      at += 1;
      if (isSpace(byte) || byte === COMMA || byte === COLON) continue;
      if (!this.inElement && this.depth === this.elementDepth && !isClose(byte)) {
        this.inElement = true;
        this.scalar = byte !== QUOTE && !isOpen(byte);
        this.elementOffset = this.streamOffset + at - 1;
        start = at - 1;
      }
      if (byte === QUOTE) this.inString = true;
      else if (isOpen(byte)) this.depth += 1;
      else if (isClose(byte)) {
        this.depth -= 1;
        if (this.depth < this.elementDepth) {
          // The container holding the elements closed; what follows (e.g. the log file's `}`) is not read.
          this.closed = this.elementDepth > 0;
          this.unbalanced = this.elementDepth === 0;
          this.depth = this.elementDepth;
        } else if (this.inElement && this.depth === this.elementDepth) {
          this.append(chunk.subarray(start, at));
          yield this.finish();
        }
      }
    }
    if (this.inElement) this.append(chunk.subarray(start));
    this.streamOffset += chunk.length;
  }

  /**
   * Where the string being read (from `from`) closes in this chunk: the next quote not escaped by an odd run of
   * backslashes; -1 when it runs past the chunk (then whether the chunk ends in an unpaired backslash is kept).
   */
  private stringEnd(text: string, from: number): number {
    let at = from;
    if (this.escaped) {
      this.escaped = false;
      at += 1;
    }
    for (;;) {
      const quote = text.indexOf('"', at);
      const limit = quote < 0 ? text.length : quote;
      let backslashes = 0;
      while (limit - backslashes - 1 >= at && text.charCodeAt(limit - backslashes - 1) === BACKSLASH)
        backslashes += 1;
      if (quote < 0) {
        this.escaped = backslashes % 2 === 1;
        return -1;
      }
      if (backslashes % 2 === 0) return quote;
      at = quote + 1;
    }
  }

  /**
   * Ends the stream: a trailing bare scalar (depth 0 has no separator after it) is completed; an element
   * cut off is returned as `tail` (its first bytes) with state 'unterminated'.
   */
  end(): { elements: JsonElement[]; state: SplitEnd; tail: Buffer; offset: number } {
    const none = Buffer.alloc(0);
    const settled = this.unbalanced ? 'unbalanced' : 'complete';
    if (this.inElement && this.scalar && !this.inString) {
      return { elements: [this.finish()], state: settled, tail: none, offset: this.streamOffset };
    }
    const offset = this.inElement ? this.elementOffset : this.streamOffset;
    const tail = this.inElement ? Buffer.concat(this.pieces).subarray(0, HEAD_BYTES) : none;
    const cut = this.inElement || (this.elementDepth > 0 && !this.closed);
    return { elements: [], state: cut ? 'unterminated' : settled, tail, offset };
  }

  private append(piece: Buffer): void {
    if (piece.length === 0) return;
    if (this.tooLarge) return;
    this.pendingBytes += piece.length;
    if (this.pendingBytes > this.maxElementBytes) {
      this.tooLarge = true;
      this.pieces = [Buffer.concat([...this.pieces, piece]).subarray(0, HEAD_BYTES)];
    } else {
      this.pieces.push(piece);
    }
  }

  private finish(): JsonElement {
    const element: JsonElement = {
      offset: this.elementOffset,
      index: this.elementIndex,
      bytes: this.pieces.length === 1 ? (this.pieces[0] as Buffer) : Buffer.concat(this.pieces),
      tooLarge: this.tooLarge,
    };
    this.elementIndex += 1;
    this.inElement = false;
    this.scalar = false;
    this.pieces = [];
    this.pendingBytes = 0;
    this.tooLarge = false;
    return element;
  }
}

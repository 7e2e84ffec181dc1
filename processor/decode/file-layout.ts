import { HEAD_BYTES } from './dead-letter.js';

/** How a file's records are laid out, decided from its first bytes. */
export type FileLayout =
  | { kind: 'empty' }
  | { kind: 'binary' }
  /** JSON Lines or flow-log text: one record per line. */
  | { kind: 'lines' }
  /** One JSON document: the values at `depth` are the records, after `skip` bytes of prefix. */
  | { kind: 'document'; depth: 0 | 1 | 2; skip: number };

const RECORDS_PREFIX = /^(?:\uFEFF)?\s*\{\s*"Records"\s*:\s*\[/;
const BYTE_ORDER_MARK = [0xef, 0xbb, 0xbf];

/**
 * Decides the layout from the start of a file (decompressed): `[` an array of records, `{"Records":[`
 * a CloudTrail log file, `{` on a line of its own a pretty-printed document, `{...}` lines JSON Lines,
 * anything else text lines (flow logs). `complete` says the whole file is in `start`.
 *
 *   fileLayout(Buffer.from('{"Records":[{"eventID":"1"}]}'), true) // { kind: 'document', depth: 2, skip: 12 }
 */
export function fileLayout(start: Buffer, complete: boolean): FileLayout | null {
  const first = firstContentByte(start);
  if (first < 0) return complete ? { kind: 'empty' } : null;
  if (hasControlBytes(start.subarray(0, 2 * HEAD_BYTES))) return { kind: 'binary' };
  const byte = start[first];
  if (byte === 0x5b /* [ */) return { kind: 'document', depth: 1, skip: first + 1 };
  if (byte !== 0x7b /* { */) return { kind: 'lines' };
  const newline = start.indexOf(0x0a, first);
  if (newline < 0 && !complete) return null;
  const records = RECORDS_PREFIX.exec(start.subarray(0, first + 4096).toString('utf8'));
  if (records) return { kind: 'document', depth: 2, skip: Buffer.byteLength(records[0], 'utf8') };
  const firstLine = start
    .subarray(first, newline < 0 ? start.length : newline)
    .toString('utf8')
    .trimEnd();
  return firstLine.endsWith('}') ? { kind: 'lines' } : { kind: 'document', depth: 0, skip: first };
}

/** Index of the first byte that is not whitespace or a byte-order mark, or -1. */
function firstContentByte(start: Buffer): number {
  let at = BYTE_ORDER_MARK.every((byte, index) => start[index] === byte) ? BYTE_ORDER_MARK.length : 0;
  while (at < start.length) {
    const byte = start[at];
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) return at;
    at += 1;
  }
  return -1;
}

function hasControlBytes(bytes: Buffer): boolean {
  for (const byte of bytes) {
    if (byte < 0x09 || (byte > 0x0d && byte < 0x20)) return true;
  }
  return false;
}

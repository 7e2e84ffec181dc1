import { describe, expect, it } from 'vitest';
import { JsonSplitter } from './json-splitter.js';

/** Elements of a document fed in chunks of `size` bytes. */
function split(document: Buffer, depth: 0 | 1 | 2, skip: number, size: number): string[] {
  const splitter = new JsonSplitter(depth, 1_048_576, skip);
  const found: string[] = [];
  for (let at = skip; at < document.length; at += size) {
    for (const element of splitter.write(document.subarray(at, Math.min(document.length, at + size)))) {
      found.push(`${element.offset}:${element.index}:${element.bytes.toString('utf8')}`);
    }
  }
  for (const element of splitter.end().elements)
    found.push(`${element.offset}:${element.index}:${element.bytes.toString('utf8')}`);
  return found;
}

describe('JsonSplitter', () => {
  it('finds the same elements however the document is cut into chunks, escapes and UTF-8 included', () => {
    const records = [
      { a: 'plain', b: 'quote \\" inside', c: 'ends in a backslash \\\\' },
      { d: '\\\\\\"', e: ['x', { f: '}]' }], g: 'ü → ✓ 𝄞' },
      { h: '' },
    ];
    const document = Buffer.from(
      `{"Records": [${records.map((record) => JSON.stringify(record)).join(', ')}]}`,
    );
    const skip = document.indexOf('[') + 1;
    const whole = split(document, 2, skip, document.length);
    expect(
      whole.map((element) => JSON.parse(element.slice(element.indexOf(':', element.indexOf(':') + 1) + 1))),
    ).toEqual(records);
    for (let size = 1; size < 40; size += 1)
      expect(split(document, 2, skip, size), `chunks of ${size}`).toEqual(whole);
  });

  it('stops scanning when the reader stops taking elements', () => {
    const document = Buffer.from(`[${'{"k":"v"},'.repeat(100)}{"k":"last"}]`);
    const splitter = new JsonSplitter(1, 1_048_576, 1);
    const first = splitter.write(document.subarray(1)).next();
    expect(first.value?.bytes.toString('utf8')).toBe('{"k":"v"}');
  });
});

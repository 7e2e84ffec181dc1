import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  createUser,
  FLOW_ACCEPT,
  FLOW_NODATA,
  FLOW_REJECT,
  FLOW_V5_HEADER,
  FLOW_V5_LINE,
  runInstances,
} from '../../test/corpus/decode/records.js';
import { FILE_BATCH_SIZE } from './file.js';
import { type DecodeOptions, type DecodeResult, decodeFile } from './index.js';

const directory = mkdtempSync(join(tmpdir(), 'shardwatch-decode-'));

function file(name: string, content: string | Buffer): string {
  const path = join(directory, name);
  writeFileSync(path, content);
  return path;
}

async function readAll(path: string, options?: DecodeOptions): Promise<DecodeResult & { batches: number }> {
  const all: DecodeResult & { batches: number } = {
    events: [],
    deadLetters: [],
    ignored: 0,
    skipped: 0,
    batches: 0,
  };
  for await (const batch of decodeFile(path, options)) {
    all.events.push(...batch.events);
    all.deadLetters.push(...batch.deadLetters);
    all.ignored += batch.ignored;
    all.skipped += batch.skipped;
    all.batches += 1;
  }
  return all;
}

const letters = (result: DecodeResult) =>
  result.deadLetters.map((letter) => [letter.origin.offset, letter.origin.index, letter.reason]);
const recordsFile = (count: number) =>
  JSON.stringify({
    Records: Array.from({ length: count }, (_, index) => runInstances({ eventID: `ev-${index}` })),
  });

describe('decodeFile', () => {
  it('streams a gzipped {"Records": [...]} log file in batches of FILE_BATCH_SIZE', async () => {
    const path = file('trail.json.gz', gzipSync(recordsFile(2500)));
    const result = await readAll(path);
    expect(result.events.length).toBe(2500);
    expect(result.events[2499]?.id).toBe('ev-2499');
    expect(result.batches).toBe(Math.ceil(2500 / FILE_BATCH_SIZE));
    expect(result.deadLetters).toEqual([]);
  });

  it('gives Records entries byte offsets and positions; a bad one does not stop the rest', async () => {
    const text = `{"Records": [${JSON.stringify(runInstances())}, 7, {"eventID": }, ${JSON.stringify(createUser())}]}`;
    const result = await readAll(file('mixed-records.json', text));
    expect(result.events.map((event) => event.id)).toEqual(['ev-run-1', 'ev-user-1']);
    const bad = text.indexOf(', 7') + 2;
    expect(letters(result)).toEqual([
      [String(bad), 1, 'json_not_object'],
      [String(text.indexOf('{"eventID": }')), 2, 'json_invalid'],
    ]);
  });

  it('reads a JSON array, a single object and a pretty-printed object', async () => {
    const array = await readAll(file('array.json', JSON.stringify([runInstances(), createUser()], null, 2)));
    const single = await readAll(file('single.json', JSON.stringify(createUser())));
    const pretty = await readAll(file('pretty.json', `${JSON.stringify(createUser(), null, 2)}\n`));
    expect([array, single, pretty].map((result) => result.events.map((event) => event.id))).toEqual([
      ['ev-run-1', 'ev-user-1'],
      ['ev-user-1'],
      ['ev-user-1'],
    ]);
  });

  it('decodes a JSONL file mixing good and bad lines; bad ones carry their line number', async () => {
    const lines = [
      JSON.stringify(runInstances()),
      '',
      '{"eventID": "broken"',
      JSON.stringify(runInstances({ eventID: 'ev-2', eventTime: 'the first of May' })),
      '\u0000\u0001\u0002',
      JSON.stringify(createUser()),
      '[]',
      JSON.stringify({ ...createUser(), eventTime: undefined }),
    ];
    const result = await readAll(file('mixed.jsonl', `${lines.join('\r\n')}\n`));
    expect(result.events.map((event) => event.id)).toEqual(['ev-run-1', 'ev-user-1']);
    expect(letters(result)).toEqual([
      ['3', undefined, 'json_invalid'],
      ['4', undefined, 'timestamp_invalid'],
      ['5', undefined, 'binary'],
      ['8', undefined, 'missing_field'],
    ]);
  });

  it('lets a flow-log header line set the format of the lines after it', async () => {
    const header = FLOW_V5_HEADER;
    const result = await readAll(
      file('flows.log', [header, FLOW_V5_LINE, FLOW_V5_LINE.replace('ACCEPT', 'REJECT')].join('\n')),
    );
    expect(result.events.map((event) => [event.action, event.flow?.vpcId, event.region])).toEqual([
      ['ACCEPT', 'vpc-0f1', 'eu-west-1'],
      ['REJECT', 'vpc-0f1', 'eu-west-1'],
    ]);
    expect([result.ignored, result.deadLetters]).toEqual([1, []]);
  });

  it('reads default-format flow text, gzipped, with NODATA lines', async () => {
    const result = await readAll(
      file('flows.log.gz', gzipSync([FLOW_ACCEPT, FLOW_NODATA, FLOW_REJECT].join('\n'))),
    );
    expect(result.events.map((event) => event.action)).toEqual(['ACCEPT', 'NODATA', 'REJECT']);
  });

  it('dead-letters an empty file once, and a binary file once', async () => {
    expect(letters(await readAll(file('empty.json', '')))).toEqual([['0', undefined, 'empty']]);
    expect(letters(await readAll(file('blank.jsonl', '\n\n  \n')))).toEqual([['0', undefined, 'empty']]);
    expect(letters(await readAll(file('empty.gz', gzipSync(''))))).toEqual([['0', undefined, 'empty']]);
    const binary = Buffer.from(Array.from({ length: 5000 }, (_, index) => (index * 7919) % 256));
    expect(letters(await readAll(file('random.bin', binary)))).toEqual([['0', undefined, 'binary']]);
  });

  it('keeps everything before the damage of a truncated gzip file, plus one gzip_truncated', async () => {
    const jsonl = Array.from({ length: 3000 }, (_, index) =>
      JSON.stringify(runInstances({ eventID: `ev-${index}` })),
    );
    const whole = gzipSync(jsonl.join('\n'));
    const result = await readAll(file('cut.jsonl.gz', whole.subarray(0, Math.floor(whole.length * 0.6))));
    const decoded = result.events.length;
    expect(decoded).toBeGreaterThan(0);
    expect(result.events.map((event) => event.id)).toEqual(
      jsonl.slice(0, decoded).map((_, index) => `ev-${index}`),
    );
    expect(letters(result)).toEqual([[String(decoded + 1), undefined, 'gzip_truncated']]);

    const records = gzipSync(recordsFile(3000));
    const cut = await readAll(file('cut.json.gz', records.subarray(0, records.length - 100)));
    expect(cut.events.length).toBeGreaterThan(2900);
    expect(cut.deadLetters.map((letter) => letter.reason)).toEqual(['gzip_truncated']);
  });

  it('dead-letters a 10 MB line as too_large without keeping it, and goes on', async () => {
    const huge = `{"eventID": "${'x'.repeat(10 * 1024 * 1024)}"}`;
    const path = file(
      'huge.jsonl',
      [JSON.stringify(runInstances()), huge, JSON.stringify(createUser())].join('\n'),
    );
    const result = await readAll(path);
    expect(result.events.map((event) => event.id)).toEqual(['ev-run-1', 'ev-user-1']);
    expect(letters(result)).toEqual([['2', undefined, 'too_large']]);
    expect(Buffer.from(result.deadLetters[0]?.head ?? '', 'base64').toString()).toBe(huge.slice(0, 256));
    const inArray = await readAll(file('huge.json', `[${huge}, ${JSON.stringify(createUser())}]`));
    expect([inArray.events.length, inArray.deadLetters.map((letter) => letter.reason)]).toEqual([
      1,
      ['too_large'],
    ]);
  });

  it('survives 100k nested brackets', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const asArray = await readAll(file('deep.json', deep));
    expect(asArray.deadLetters.map((letter) => letter.reason)).toEqual(['json_not_object']);
    const asLine = await readAll(file('deep.jsonl', `${JSON.stringify(createUser())}\n${deep}\n`));
    expect([asLine.events.length, asLine.deadLetters.map((letter) => letter.reason)]).toEqual([
      1,
      ['json_not_object'],
    ]);
    const unclosed = await readAll(file('unclosed.json', '['.repeat(100_000)));
    expect(unclosed.deadLetters.map((letter) => letter.reason)).toEqual(['json_invalid']);
  });

  it('reports a document cut off without gzip as json_invalid after the whole records', async () => {
    const text = recordsFile(3);
    const result = await readAll(file('cut.json', text.slice(0, text.length - 50)));
    expect([
      result.events.length,
      result.deadLetters.map((letter) => [letter.reason, letter.detail]),
    ]).toEqual([2, [['json_invalid', 'document ends inside a value']]]);
  });
});

import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { createGzip } from 'node:zlib';
import { generateCloudTrail } from './cloudtrail.js';

/**
 * Writes generated CloudTrail records as gzipped JSON Lines, streaming (constant memory):
 *
 *   node dist/bench/generate/cli.js --records 1000000 --out bench/data/cloudtrail-1000000.jsonl.gz [--principals K] [--seed S]
 */
const LINES_PER_CHUNK = 1_000;

function positiveInteger(name: string, value: string | undefined, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  const parsed = Number(value);
  if (value === undefined || !Number.isInteger(parsed) || parsed < 0) {
    process.stderr.write(`--${name} must be a non-negative integer\n`);
    process.exit(2);
  }
  return parsed;
}

function* chunks(records: Iterable<object>): Generator<string> {
  let chunk = '';
  let lines = 0;
  for (const record of records) {
    chunk += `${JSON.stringify(record)}\n`;
    lines += 1;
    if (lines === LINES_PER_CHUNK) {
      yield chunk;
      chunk = '';
      lines = 0;
    }
  }
  if (chunk !== '') yield chunk;
}

const { values } = parseArgs({
  options: {
    records: { type: 'string' },
    out: { type: 'string' },
    principals: { type: 'string' },
    seed: { type: 'string' },
  },
});
if (!values.out) {
  process.stderr.write('usage: cli --records N --out file.jsonl.gz [--principals K] [--seed S]\n');
  process.exit(2);
}
const records = positiveInteger('records', values.records);
const principals = positiveInteger('principals', values.principals, 200);
const seed = positiveInteger('seed', values.seed, 1);
mkdirSync(dirname(values.out), { recursive: true });
await pipeline(
  Readable.from(chunks(generateCloudTrail({ records, principals, seed }))),
  createGzip(),
  createWriteStream(values.out),
);
process.stderr.write(`wrote ${records} CloudTrail records to ${values.out}\n`);

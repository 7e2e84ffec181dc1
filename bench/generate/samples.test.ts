import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../schemas/types.js';
import { buildSampleFiles, SAMPLE_PATHS, type SampleFile } from './sample-files.js';

const SAMPLES = join(import.meta.dirname, '..', '..', 'samples');
const LATENESS_MS = 5 * 60_000;

function committedFiles(): string[] {
  return readdirSync(SAMPLES, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name !== 'README.md')
    .map((entry) => relative(SAMPLES, join(entry.parentPath, entry.name)))
    .sort();
}

function text(file: SampleFile): string {
  return (file.path.endsWith('.gz') ? gunzipSync(file.content) : file.content).toString('utf8');
}

type Leaf = JsonObject | string;

/** Unwraps envelopes (S3 file, CloudWatch Logs message, EventBridge event) down to records and flow lines. */
function unwrap(value: JsonObject): Leaf[] {
  if (value.messageType === 'CONTROL_MESSAGE') return [];
  if (Array.isArray(value.logEvents)) {
    return (value.logEvents as JsonObject[]).flatMap((event) => {
      const message = String(event.message);
      return message.startsWith('{') ? unwrap(JSON.parse(message) as JsonObject) : [message];
    });
  }
  if (Array.isArray(value.Records)) return (value.Records as JsonObject[]).flatMap(unwrap);
  if (value.detail) return unwrap(value.detail as JsonObject);
  return [value];
}

/** Every record or flow line of one sample file, in file order. */
function leaves(file: SampleFile): Leaf[] {
  const lines = text(file).trim().split('\n');
  if (file.path.endsWith('.log')) return lines.filter((line) => !line.startsWith('version '));
  const values = file.path.endsWith('.jsonl')
    ? lines.map((line) => JSON.parse(line))
    : [JSON.parse(text(file))];
  return (values as JsonObject[]).flatMap(unwrap);
}

/** Event time as the decoder defines it: eventTime, GuardDuty updatedAt, flow start. */
function eventTime(file: SampleFile, leaf: Leaf): number {
  if (typeof leaf === 'string')
    return Number(leaf.split(' ')[file.path === SAMPLE_PATHS.flowCustomV5 ? 16 : 10]) * 1000;
  return Date.parse(String(leaf.eventTime ?? leaf.updatedAt));
}

describe('samples', () => {
  const files = buildSampleFiles();

  it('are exactly what the generator produces (bytes for text files, content for gzip)', () => {
    expect(committedFiles()).toEqual(files.map((file) => file.path).sort());
    for (const file of files) {
      const committed = readFileSync(join(SAMPLES, file.path));
      if (file.path.endsWith('.gz'))
        expect(gunzipSync(committed).toString('utf8'), file.path).toBe(text(file));
      else expect(committed.equals(file.content), file.path).toBe(true);
    }
  });

  it('put no event behind the watermark when replayed file by file in sorted order (5 min lateness)', () => {
    let watermark = Number.NEGATIVE_INFINITY;
    const late: string[] = [];
    for (const file of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
      let newest = Number.NEGATIVE_INFINITY;
      for (const time of leaves(file).map((leaf) => eventTime(file, leaf))) {
        if (time < watermark) late.push(`${file.path} ${new Date(time).toISOString()}`);
        newest = Math.max(newest, time);
        watermark = Math.max(watermark, newest - LATENESS_MS);
      }
    }
    expect(late).toEqual([]);
  });

  it('hold 1,000-2,000 events with unique CloudTrail event ids, mostly read-only, all times UTC with Z', () => {
    const cloudTrail = files
      .filter((file) => file.path.startsWith('cloudtrail/'))
      .flatMap(leaves)
      .filter((leaf): leaf is JsonObject => typeof leaf !== 'string');
    const total = files.reduce((sum, file) => sum + leaves(file).length, 0);
    expect(total).toBeGreaterThan(1_000);
    expect(total).toBeLessThan(2_000);
    expect(new Set(cloudTrail.map((record) => record.eventID)).size).toBe(cloudTrail.length);
    expect(
      cloudTrail.every((record) => /^2026-11-24T\d{2}:\d{2}:\d{2}Z$/.test(String(record.eventTime))),
    ).toBe(true);
    const readOnly = cloudTrail.filter((record) => record.readOnly === true).length / cloudTrail.length;
    expect(readOnly).toBeGreaterThan(0.75);
    expect(files.reduce((sum, file) => sum + file.content.length, 0)).toBeLessThan(1_000_000);
  });
});

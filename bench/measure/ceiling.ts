import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createGunzip, gunzipSync } from 'node:zlib';
import type { EventSource } from '../../schemas/types.js';

/**
 * The parse-everything ceiling: what any replay of these files pays at least, done as fast as Node does it —
 * gunzip (small files in one call, big ones streamed in 256 KiB chunks), split into records, and JSON.parse of
 * every record (a CloudTrail S3 file is one document of records; a CloudWatch Logs message holds one record
 * each; a flow-log line is split into its fields). One thread, nothing kept.
 *
 *   const { records } = await parseCeiling(files); // records parsed, by source
 */
export async function parseCeiling(files: readonly string[]): Promise<Record<EventSource, number>> {
  const records: Record<EventSource, number> = { cloudtrail: 0, flowlog: 0, guardduty: 0 };
  for (const file of files) {
    const source = sourceOf(file);
    if (file.endsWith('.log.gz')) records.flowlog += await flowLines(file);
    else if (file.endsWith('.jsonl.gz')) records[source] += await jsonLines(file, records);
    else
      records.cloudtrail += (
        JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as { Records: unknown[] }
      ).Records.length;
  }
  return records;
}

/** The source of a corpus file, by the folder or name it carries. */
export function sourceOf(file: string): EventSource {
  if (/flowlogs/.test(file)) return 'flowlog';
  if (/guardduty/i.test(file)) return 'guardduty';
  return 'cloudtrail';
}

const CHUNK_BYTES = 262_144;

/** The file's lines, decompressed; small files at once, big ones streamed. */
async function* lines(file: string): AsyncGenerator<string> {
  if (statSync(file).size <= 1_048_576) {
    yield* gunzipSync(readFileSync(file)).toString('utf8').split('\n');
    return;
  }
  let rest = '';
  const stream = createReadStream(file, { highWaterMark: CHUNK_BYTES }).pipe(
    createGunzip({ chunkSize: CHUNK_BYTES }),
  );
  for await (const chunk of stream) {
    const text = rest + (chunk as Buffer).toString('utf8');
    const end = text.lastIndexOf('\n');
    if (end < 0) {
      rest = text;
      continue;
    }
    rest = text.slice(end + 1);
    yield* text.slice(0, end).split('\n');
  }
  if (rest !== '') yield rest;
}

async function flowLines(file: string): Promise<number> {
  let count = 0;
  let first = true;
  for await (const line of lines(file)) {
    if (first) {
      first = false; // the header line
      continue;
    }
    if (line !== '' && line.split(' ').length > 0) count += 1;
  }
  return count;
}

/** JSON Lines: each line parsed; a CloudWatch Logs message's records parsed (or split) too, counted by source. */
async function jsonLines(file: string, records: Record<EventSource, number>): Promise<number> {
  let count = 0;
  for await (const line of lines(file)) {
    if (line === '') continue;
    const value = JSON.parse(line) as { logEvents?: { message: string }[] };
    if (!Array.isArray(value.logEvents)) {
      count += 1;
      continue;
    }
    for (const { message } of value.logEvents) {
      if (message.startsWith('{')) {
        JSON.parse(message);
        records.cloudtrail += 1;
      } else if (message.split(' ').length > 0) records.flowlog += 1;
    }
  }
  return count;
}

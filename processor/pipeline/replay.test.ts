import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detection as largeInstanceBurst } from '../../detections/catalog/cloudtrail/ec2-large-instance-burst/detection.js';
import { minutes } from '../../detections/operators/index.js';
import type { Finding } from '../../schemas/types.js';
import { runInstancesRecord } from '../../test/cloudtrail.js';
import { DEFAULT_STATE_OPTIONS } from '../state/index.js';
import { listInputFiles, replayFiles } from './replay.js';

const T0 = Date.UTC(2026, 10, 24, 10, 0, 0);
const ACCOUNT = '111122223333';

function writeJsonl(dir: string, name: string, records: object[]): string {
  const path = join(dir, name);
  writeFileSync(path, records.map((record) => `${JSON.stringify(record)}\n`).join(''));
  return path;
}

async function replay(files: string[]) {
  const findings: Finding[] = [];
  const deadLetters: string[] = [];
  const summary = await replayFiles(files, {
    detections: [largeInstanceBurst],
    latenessMs: minutes(5),
    state: DEFAULT_STATE_OPTIONS,
    onFinding: (finding) => findings.push(finding),
    onDeadLetter: (deadLetter) => deadLetters.push(deadLetter.reason),
  });
  return { findings, deadLetters, summary };
}

/**
 * Two trail files of the same two hours, each with three of six large launches in 10:00–10:05: read one
 * after the other, the second file's launches would be hours behind the watermark (late) and the burst
 * would be missed.
 */
function overlappingFiles(dir: string): string[] {
  let sequence = 0;
  const launches = (offsets: number[], type: string) =>
    offsets.map((offset) => runInstancesRecord(ACCOUNT, T0 + offset, type, ++sequence));
  const everyTenMinutes = (from: number) => Array.from({ length: 12 }, (_, i) => from + i * minutes(10));
  const first = [
    ...launches([minutes(1), minutes(2), minutes(3)], 'p4d.24xlarge'),
    ...launches(everyTenMinutes(minutes(7)), 't3.micro'),
  ];
  const second = [
    ...launches([minutes(2.5), minutes(3.5), minutes(4)], 'c6i.8xlarge'),
    ...launches(everyTenMinutes(minutes(6)), 't3.micro'),
  ];
  return [writeJsonl(dir, 'a-trail.jsonl', first), writeJsonl(dir, 'b-trail.jsonl', second)];
}

describe('replayFiles', () => {
  it('merges files of the same hours by event time, so events from several files meet in one window', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shardwatch-replay-'));
    const { findings, summary } = await replay(overlappingFiles(dir));
    expect(findings.map((f) => [f.account, f.window, f.count])).toEqual([
      [ACCOUNT, { start: T0, end: T0 + minutes(5) }, 6],
    ]);
    expect(summary.counters.late).toBe(0);
    expect(summary.counters.eventsBySource.cloudtrail).toBe(30);
  });

  it('tells the position of the event whose push emitted each finding, and null for the end-of-input flush', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shardwatch-replay-'));
    const positions: unknown[] = [];
    const replayed = (files: string[]) =>
      replayFiles(files, {
        detections: [largeInstanceBurst],
        latenessMs: minutes(5),
        state: DEFAULT_STATE_OPTIONS,
        onFinding: (_finding, position) =>
          positions.push(position && { ...position, input: position.input.replace(`${dir}/`, '') }),
        onDeadLetter: () => {},
      });
    await replayed(overlappingFiles(dir));
    // a-trail's 10:17 launch (its 5th event) is the first that lifts both files' watermarks past 10:05
    expect(positions).toEqual([{ input: 'a-trail.jsonl', event: 4 }]);
    positions.length = 0;
    let sequence = 100;
    const burstOnly = Array.from({ length: 6 }, (_, i) =>
      runInstancesRecord(ACCOUNT, T0 + i * 1000, 'p4d.24xlarge', ++sequence),
    );
    await replayed([writeJsonl(dir, 'burst.jsonl', burstOnly)]);
    expect(positions).toEqual([null]);
  });

  it('gives the same findings whatever order the files are named or listed in', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shardwatch-replay-'));
    const files = overlappingFiles(dir);
    const forward = await replay(files);
    const backward = await replay([...files].reverse());
    expect(backward.findings).toEqual(forward.findings);
  });

  it('opens a file only when the merged stream reaches its first event, and dead-letters files without events first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shardwatch-replay-'));
    let sequence = 0;
    // the later file is named first
    writeJsonl(dir, '1-later.jsonl', [runInstancesRecord(ACCOUNT, T0 + minutes(60), 't3.micro', ++sequence)]);
    writeJsonl(dir, '2-earlier.jsonl', [runInstancesRecord(ACCOUNT, T0, 't3.micro', ++sequence)]);
    writeFileSync(join(dir, '3-broken.jsonl'), '{"not": "a record"}\n');
    const progress: string[] = [];
    const deadLetters: string[] = [];
    await replayFiles(await listInputFiles([dir]), {
      detections: [largeInstanceBurst],
      latenessMs: minutes(5),
      state: DEFAULT_STATE_OPTIONS,
      onFinding: () => {},
      onDeadLetter: (deadLetter) =>
        deadLetters.push(`${deadLetter.origin.input.replace(`${dir}/`, '')} ${deadLetter.reason}`),
      onProgress: ({ file }) => {
        progress.push(file.replace(`${dir}/`, ''));
      },
    });
    expect(deadLetters).toEqual(['3-broken.jsonl unknown_format']);
    expect(progress).toEqual(['3-broken.jsonl', '2-earlier.jsonl', '1-later.jsonl', '']);
  });
});

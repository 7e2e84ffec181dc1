import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../schemas/types.js';
import { DeadLetterFile } from './dead-letter-file.js';
import type { RejectedFinding } from './sink.js';

function rejected(id: string, reason: string): RejectedFinding {
  const finding = { id, detection: 'd', count: 1 } as unknown as Finding;
  return { finding, sink: 'timestream', reason, detail: `${id}: ${reason}` };
}

const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as { finding: { id: string }; reason: string; rejectedAt: number });

describe('DeadLetterFile', () => {
  it('appends one line per rejected finding with the time of rejection, across writes, durably before resolving', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'shardwatch-dl-')), 'nested', 'dead.jsonl');
    let clock = 1000;
    const file = new DeadLetterFile(path, () => clock);
    await file.write([rejected('a', 'record_too_old'), rejected('b', 'invalid_parameter')]);
    // resolved: on disk already, before close
    expect(lines(path).map((l) => [l.finding.id, l.reason, l.rejectedAt])).toEqual([
      ['a', 'record_too_old', 1000],
      ['b', 'invalid_parameter', 1000],
    ]);
    clock = 2000;
    await file.write([rejected('c', 'retries_exhausted')]);
    await file.close();
    expect(lines(path).map((l) => [l.finding.id, l.rejectedAt])).toEqual([
      ['a', 1000],
      ['b', 1000],
      ['c', 2000],
    ]);
    expect(lines(path)[2]).toEqual({
      finding: { id: 'c', detection: 'd', count: 1 },
      sink: 'timestream',
      reason: 'retries_exhausted',
      detail: 'c: retries_exhausted',
      rejectedAt: 2000,
    });
    expect(file.written).toBe(3);
  });

  it('keeps lines of concurrent writes whole and in call order', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'shardwatch-dl-')), 'dead.jsonl');
    const file = new DeadLetterFile(path);
    const ids = Array.from({ length: 50 }, (_, i) => `f${i}`);
    await Promise.all(ids.map((id) => file.write([rejected(id, 'sink_error')])));
    await file.close();
    expect(lines(path).map((l) => l.finding.id)).toEqual(ids);
  });

  it('creates no file when nothing was rejected', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'shardwatch-dl-')), 'dead.jsonl');
    const file = new DeadLetterFile(path);
    await file.write([]);
    await file.close();
    expect(existsSync(path)).toBe(false);
  });

  it('rejects the write when the file cannot be opened', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shardwatch-dl-'));
    const file = new DeadLetterFile(dir); // a directory: open(…, 'a') fails with EISDIR
    await expect(file.write([rejected('a', 'sink_error')])).rejects.toMatchObject({ code: 'EISDIR' });
  });
});

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../schemas/types.js';
import { runInstancesRecord } from '../../test/cloudtrail.js';
import { loadConfig } from '../cli/config.js';
import { enabledDetections } from '../cli/detections.js';
import { decodeJson } from '../decode/index.js';
import { runDetection } from '../pipeline/fixtures.js';
import { kclRecord, TestDaemon } from './test-daemon.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SHARD = 'shardId-000000000007';
const T0 = Date.UTC(2026, 10, 24, 10, 0, 1);

function seq(n: number): string {
  return `4959033827149025660855969253836157109592157598913658${String(n).padStart(4, '0')}`;
}

function readJsonl<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as T);
}

describe('processor/kcl/main.ts as the daemon runs it', () => {
  it('speaks the protocol on stdin/stdout, writes findings per shard and exits 0 when stdin closes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shardwatch-kcl-main-'));
    const config = join(dir, 'shardwatch.yaml');
    // Only the burst fires, and only when the shard ends: every checkpoint below is exact, whatever the timing.
    writeFileSync(
      config,
      [
        'lateness: 5m',
        'detections:',
        '  ec2-large-instance-burst: { params: { moreThan: 2 } }',
        '  ec2-instance-unapproved-type: { enabled: false }',
      ].join('\n'),
    );
    const records = [1, 2, 3].map((n) =>
      runInstancesRecord('111122223333', T0 + n * 20_000, 'p4d.24xlarge', n),
    );
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'processor/kcl/main.ts', '--config', config, '--out', join(dir, '{shard}.jsonl')],
      { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = once(child, 'exit');
    const daemon = new TestDaemon(child.stdin, child.stdout);

    daemon.send({
      action: 'initialize',
      shardId: SHARD,
      sequenceNumber: 'TRIM_HORIZON',
      subSequenceNumber: 0,
    });
    expect(await daemon.next()).toEqual({ action: 'status', responseFor: 'initialize' });
    daemon.send({
      action: 'processRecords',
      millisBehindLatest: 0,
      records: [
        ...records.map((record, index) => kclRecord(seq(index + 1), JSON.stringify(record))),
        kclRecord(seq(4), '{"eventVersion": "1.08", '),
      ],
    });
    expect(await daemon.next()).toEqual({ action: 'checkpoint', sequenceNumber: seq(4) });
    daemon.replyCheckpoint(seq(4));
    expect(await daemon.next()).toEqual({ action: 'status', responseFor: 'processRecords' });
    daemon.send({ action: 'shardEnded' });
    expect(await daemon.next()).toEqual({ action: 'checkpoint', sequenceNumber: null });
    daemon.replyCheckpoint(null);
    expect(await daemon.next()).toEqual({ action: 'status', responseFor: 'shardEnded' });
    child.stdin.end();
    expect(await exited).toEqual([0, null]);

    const { detections, params } = enabledDetections(loadConfig(config));
    const events = records.flatMap(
      (record, index) => decodeJson(record, { input: 'x', offset: `${index}` }).events,
    );
    const expected = detections.flatMap((detection) => runDetection(detection, events, params[detection.id]));
    expect(expected.map((finding) => finding.detection)).toEqual(['ec2-large-instance-burst']);
    expect(readJsonl<Finding>(join(dir, `${SHARD}.jsonl`))).toEqual(expected);
    const deadLetters = readJsonl<{ origin: unknown; reason: string }>(
      join(dir, `${SHARD}.dead-letters.jsonl`),
    );
    expect(deadLetters.map(({ origin, reason }) => ({ origin, reason }))).toEqual([
      { origin: { input: SHARD, offset: seq(4), index: 0 }, reason: 'json_invalid' },
    ]);
    expect(stderr).toContain(`shard ${SHARD}:`);
  });

  it('refuses to start without a destination for findings (exit 2)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'processor/kcl/main.ts'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    expect(await once(child, 'exit')).toEqual([2, null]);
    expect(stdout).toBe('');
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../schemas/types.js';
import { createUser, runInstances } from '../../test/corpus/decode/records.js';
import { DEFAULT_CONFIG } from '../cli/config.js';
import { enabledDetections } from '../cli/detections.js';
import { listInputFiles, replayFiles } from './replay.js';

const SAMPLES = fileURLToPath(new URL('../../samples', import.meta.url));

async function replaySamples(decodeThreads: number) {
  const files = await listInputFiles([SAMPLES]);
  const { detections, params } = enabledDetections(DEFAULT_CONFIG);
  const findings: Finding[] = [];
  const deadLetters: string[] = [];
  const summary = await replayFiles(files, {
    detections,
    params,
    decodeThreads,
    latenessMs: DEFAULT_CONFIG.latenessMs,
    state: DEFAULT_CONFIG.state,
    onFinding: (finding) => findings.push(finding),
    onDeadLetter: (deadLetter) => deadLetters.push(`${deadLetter.origin.input} ${deadLetter.reason}`),
  });
  const { counters, skipped, ignored, state } = summary;
  return {
    findings,
    deadLetters,
    counts: { events: counters.eventsBySource, late: counters.late, skipped, ignored, state },
  };
}

describe('replay with decode threads', () => {
  it('keeps dead letters and skipped records where decoding on the pipeline thread puts them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shardwatch-threads-'));
    const trail = [
      JSON.stringify({ ...createUser({ eventID: 'u-1' }) }),
      '{"eventID": broken',
      JSON.stringify(runInstances({ eventID: 'r-1' })),
      JSON.stringify(createUser({ eventID: 'u-2', eventTime: 'not a time' })),
      JSON.stringify(runInstances({ eventID: 'r-2', eventTime: '2024-05-01T12:03:00Z' })),
    ];
    writeFileSync(join(dir, 'a.jsonl'), `${trail.join('\n')}\n`);
    writeFileSync(
      join(dir, 'b.log'),
      [
        'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status',
        '2 111122223333 eni-1 203.0.113.5 10.0.0.2 51000 22 6 3 180 1714564860 1714564920 ACCEPT OK',
        '2 111122223333 eni-1 203.0.113.5 10.0.0.2 not-a-port 22 6 3 180 1714564870 1714564920 ACCEPT OK',
        '2 111122223333 eni-1 203.0.113.6 10.0.0.2 51001 3389 6 3 180 1714564880 1714564940 ACCEPT OK',
      ].join('\n'),
    );
    const replay = async (decodeThreads: number) => {
      const seen: string[] = [];
      const summary = await replayFiles(await listInputFiles([dir]), {
        detections: enabledDetections(DEFAULT_CONFIG).detections,
        decodeThreads,
        latenessMs: DEFAULT_CONFIG.latenessMs,
        state: DEFAULT_CONFIG.state,
        onFinding: (finding) => seen.push(`finding ${finding.detection} ${finding.id}`),
        onDeadLetter: (letter) => seen.push(`dead letter ${letter.origin.offset} ${letter.reason}`),
      });
      return { seen, skipped: summary.skipped, events: summary.counters.eventsBySource };
    };
    const here = await replay(0);
    expect(here.seen.filter((line) => line.startsWith('dead letter'))).toEqual([
      'dead letter 2 json_invalid',
      'dead letter 4 timestamp_invalid',
      'dead letter 3 flow_line_invalid',
    ]);
    expect(await replay(1)).toEqual(here);
  });

  it('finds exactly what decoding on the pipeline thread finds, with one thread or two', async () => {
    const here = await replaySamples(0);
    expect(here.findings.length).toBeGreaterThan(20);
    expect(here.counts.skipped).toBeGreaterThan(300);
    for (const threads of [1, 2]) expect(await replaySamples(threads)).toEqual(here);
  });
});

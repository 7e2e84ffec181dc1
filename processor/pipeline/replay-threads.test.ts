import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../schemas/types.js';
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
  it('finds exactly what decoding on the pipeline thread finds, with one thread or two', async () => {
    const here = await replaySamples(0);
    expect(here.findings.length).toBeGreaterThan(20);
    expect(here.counts.skipped).toBeGreaterThan(500);
    for (const threads of [1, 2]) expect(await replaySamples(threads)).toEqual(here);
  });
});

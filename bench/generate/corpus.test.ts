import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../processor/cli/config.js';
import { enabledDetections } from '../../processor/cli/detections.js';
import { listInputFiles, replayFiles } from '../../processor/pipeline/replay.js';
import type { Finding, JsonObject } from '../../schemas/types.js';
import { readLabels, scoreFindings } from '../ground-truth.js';
import { type CorpusManifest, DEFAULT_CORPUS_OPTIONS, writeCorpus } from './corpus.js';

const EVENTS = 10_000;

async function corpus(seed: number): Promise<{ dir: string; manifest: CorpusManifest }> {
  const dir = mkdtempSync(join(tmpdir(), 'shardwatch-corpus-'));
  const manifest = await writeCorpus(dir, {
    ...DEFAULT_CORPUS_OPTIONS,
    events: EVENTS,
    seed,
    variants: ['s3', 'big', 'cwl'],
  });
  return { dir, manifest };
}

/** A digest of every file under dir, by relative path. */
function digest(dir: string): string {
  const hash = createHash('sha256');
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  for (const file of files) hash.update(file.slice(dir.length)).update(readFileSync(file));
  return hash.digest('hex');
}

async function replay(paths: string[], options: { decodeThreads: number; prefilter: boolean }) {
  const { detections, params } = enabledDetections(DEFAULT_CONFIG);
  const findings: Finding[] = [];
  const deadLetters: string[] = [];
  const summary = await replayFiles(await listInputFiles(paths), {
    detections,
    params,
    ...options,
    latenessMs: DEFAULT_CONFIG.latenessMs,
    state: DEFAULT_CONFIG.state,
    onFinding: (finding) => findings.push(finding),
    onDeadLetter: (deadLetter) => deadLetters.push(deadLetter.reason),
  });
  return { findings, deadLetters, summary };
}

describe('benchmark corpus', () => {
  let first: { dir: string; manifest: CorpusManifest };
  beforeAll(async () => {
    first = await corpus(3);
  });

  it('writes the same files for the same seed', async () => {
    const again = await corpus(3);
    expect(digest(again.dir)).toBe(digest(first.dir));
    expect(again.manifest.records).toEqual(first.manifest.records);
  });

  it('mixes sources at realistic proportions, CloudTrail in many small S3 files', () => {
    const { records, files } = first.manifest;
    expect(records.total).toBeGreaterThanOrEqual(EVENTS);
    expect(records.flowlog / records.cloudtrail).toBeGreaterThan(15);
    expect(records.guardduty).toBeGreaterThan(0);
    expect(files.s3?.cloudtrail).toBeGreaterThan(100);
    const big = gunzipSync(readFileSync(join(first.dir, 'big', 'cloudtrail.jsonl.gz'))).toString('utf8');
    const trail = big
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as JsonObject);
    expect(trail).toHaveLength(records.cloudtrail);
    // ~80% in the background; the attacks (writes) weigh more in a corpus this small.
    const readOnly = trail.filter((record) => record.readOnly === true).length / trail.length;
    expect(readOnly).toBeGreaterThan(0.7);
    expect(readOnly).toBeLessThan(0.85);
  });

  it('replays every variant with exactly the injected attacks found (precision and recall 1)', async () => {
    const labels = readLabels(join(first.dir, 'labels.jsonl'));
    expect(labels.length).toBeGreaterThan(15);
    for (const variant of ['s3', 'big', 'cwl']) {
      const { findings, deadLetters } = await replay([join(first.dir, variant)], {
        decodeThreads: 0,
        prefilter: true,
      });
      const score = scoreFindings(findings, labels);
      expect([variant, score.missed, score.unexpected, deadLetters]).toEqual([variant, [], [], []]);
    }
  });

  it('finds the same with two decode threads, and without the prefilter', async () => {
    const s3 = [join(first.dir, 's3')];
    const here = await replay(s3, { decodeThreads: 0, prefilter: true });
    expect(here.summary.skipped).toBeGreaterThan(100);
    for (const options of [
      { decodeThreads: 2, prefilter: true },
      { decodeThreads: 0, prefilter: false },
    ]) {
      const other = await replay(s3, options);
      expect(other.findings, JSON.stringify(options)).toEqual(here.findings);
    }
  });
});

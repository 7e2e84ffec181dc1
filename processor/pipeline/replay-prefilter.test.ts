import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Detection, DetectionParams } from '../../detections/api.js';
import { detection as rootUsage } from '../../detections/catalog/cloudtrail/iam-root-account-usage/detection.js';
import { catalog } from '../../detections/catalog/index.js';
import type { Finding, JsonValue } from '../../schemas/types.js';
import { DEFAULT_CONFIG } from '../cli/config.js';
import { enabledDetections } from '../cli/detections.js';
import { type DecodeOptions, decodeRecord } from '../decode/index.js';
import { DEFAULT_STATE_OPTIONS, StateCache } from '../state/index.js';
import { FIXTURE_LATENESS_MS, readFixtures } from './fixtures.js';
import { Pipeline } from './pipeline.js';
import { listInputFiles, replayFiles } from './replay.js';
import { WatermarkClock } from './watermarks.js';

const SAMPLES = fileURLToPath(new URL('../../samples', import.meta.url));

/**
 * One fixture case through a pipeline holding only its detection (the prefilter then skips the most), each
 * event decoded from its text as a Kinesis record would be; records skipped unparsed move the clock by
 * their time, at their place, as a replay does.
 */
function fixtureRun(
  detection: Detection,
  records: readonly JsonValue[],
  params: DetectionParams,
  prefilter: boolean,
): { findings: Finding[]; skipped: number } {
  const findings: Finding[] = [];
  const clock = new WatermarkClock(FIXTURE_LATENESS_MS);
  const state = new StateCache({ ...DEFAULT_STATE_OPTIONS, now: () => clock.latest });
  const pipeline = new Pipeline({
    detections: [detection],
    clock,
    state,
    params: { [detection.id]: params },
    onFinding: (finding) => findings.push(finding),
  });
  const options: DecodeOptions = prefilter
    ? {
        wants: (source, action) => pipeline.wanted.wants(source, action),
        rawNeed: (source, action) => pipeline.wanted.rawNeed(source, action),
      }
    : {};
  let skipped = 0;
  pipeline.open('fixture');
  records.forEach((record, index) => {
    const text = typeof record === 'string' ? record : JSON.stringify(record);
    const result = decodeRecord(Buffer.from(text), { input: 'fixture', offset: String(index) }, options);
    const times = result.skippedTimes ?? [];
    let next = 0;
    const skipUpTo = (events: number) => {
      for (; next < times.length && (times[next] as number) <= events; next += 2) {
        clock.observe('fixture', times[next + 1] as number);
      }
    };
    result.events.forEach((event, position) => {
      skipUpTo(position);
      pipeline.push('fixture', event);
    });
    skipUpTo(Number.POSITIVE_INFINITY);
    skipped += result.skipped;
  });
  pipeline.close('fixture');
  pipeline.finish();
  return { findings, skipped };
}

async function fixtureComparisons(detection: Detection, fixtures: URL) {
  const file = await readFixtures(fixtures);
  return file.cases.map((fixtureCase) => {
    const params = { ...file.params, ...fixtureCase.params };
    const parsed = fixtureRun(detection, fixtureCase.events, params, false);
    const prefiltered = fixtureRun(detection, fixtureCase.events, params, true);
    return { name: fixtureCase.name, parsed, prefiltered };
  });
}

describe('the prefilter never changes findings', () => {
  let skippedInFixtures = 0;

  describe.each(catalog.map((entry) => [entry.detection.id, entry] as const))('%s', (_id, entry) => {
    it('gives the same findings on every fixture case with and without skipping records', async () => {
      for (const { name, parsed, prefiltered } of await fixtureComparisons(entry.detection, entry.fixtures)) {
        expect(prefiltered.findings, name).toEqual(parsed.findings);
        expect(parsed.skipped, name).toBe(0);
        skippedInFixtures += prefiltered.skipped;
      }
    });
  });

  it('skipped records in the fixtures (the comparison above is not vacuous)', () => {
    expect(skippedInFixtures).toBeGreaterThan(0);
  });

  it('catches a needle that misses records its detection needs', async () => {
    const missing: Detection = {
      ...rootUsage,
      routes: [{ source: 'cloudtrail', actions: '*', rawContains: ['NotRoot'] }],
    };
    const entry = catalog.find((candidate) => candidate.detection.id === rootUsage.id);
    const comparisons = await fixtureComparisons(missing, entry?.fixtures as URL);
    expect(
      comparisons.some(({ parsed, prefiltered }) => parsed.findings.length > prefiltered.findings.length),
    ).toBe(true);
  });

  it('gives the same findings on the samples, full catalog, with and without skipping records', async () => {
    const files = await listInputFiles([SAMPLES]);
    const { detections, params } = enabledDetections(DEFAULT_CONFIG);
    const replay = async (prefilter: boolean) => {
      const findings: Finding[] = [];
      const summary = await replayFiles(files, {
        detections,
        params,
        prefilter,
        decodeThreads: 0,
        latenessMs: DEFAULT_CONFIG.latenessMs,
        state: DEFAULT_CONFIG.state,
        onFinding: (finding) => findings.push(finding),
        onDeadLetter: () => {},
      });
      return { findings, skipped: summary.skipped };
    };
    const parsed = await replay(false);
    const prefiltered = await replay(true);
    expect(prefiltered.findings).toEqual(parsed.findings);
    expect([parsed.skipped, prefiltered.skipped > 300]).toEqual([0, true]);
    expect(parsed.findings.length).toBeGreaterThan(20);
  });
});

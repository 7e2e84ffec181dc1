import { readFile } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import type { Detection, DetectionParams } from '../../detections/api.js';
import type { Finding, JsonValue, SecurityEvent } from '../../schemas/types.js';
import { decodeJson, decodeRecord } from '../decode/index.js';
import { DEFAULT_STATE_OPTIONS, StateCache } from '../state/index.js';
import { Pipeline } from './pipeline.js';
import { WatermarkClock } from './watermarks.js';

/**
 * A detection's fixtures (fixtures.json beside it): events in any shape the decoder accepts (JSON
 * records, or flow-log lines as strings) and the exact findings expected, field by field, in order.
 */
export interface FixtureFile {
  params?: DetectionParams;
  cases: FixtureCase[];
}

export interface FixtureCase {
  name: string;
  params?: DetectionParams;
  events: JsonValue[];
  /** Every listed field of every finding must equal; the number of findings must equal too. */
  expect: Partial<Finding>[];
}

export interface CaseResult {
  name: string;
  passed: boolean;
  problems: string[];
}

export interface FixtureReport {
  detection: string;
  passed: boolean;
  cases: CaseResult[];
}

export const FIXTURE_LATENESS_MS = 5 * 60_000;

export async function readFixtures(url: URL): Promise<FixtureFile> {
  return JSON.parse(await readFile(url, 'utf8')) as FixtureFile;
}

export function runFixtureFile(detection: Detection, file: FixtureFile): FixtureReport {
  const cases = file.cases.map((fixtureCase) =>
    runFixtureCase(detection, fixtureCase, { ...file.params, ...fixtureCase.params }),
  );
  return { detection: detection.id, passed: cases.every((result) => result.passed), cases };
}

/** Decodes a case's events, runs them through a pipeline holding only this detection, and compares. */
export function runFixtureCase(
  detection: Detection,
  fixtureCase: FixtureCase,
  params: DetectionParams,
): CaseResult {
  const problems: string[] = [];
  const events = decodeFixtureEvents(fixtureCase.events, problems);
  const findings = runDetection(detection, events, params);
  if (findings.length !== fixtureCase.expect.length) {
    problems.push(
      `expected ${fixtureCase.expect.length} finding(s), got ${findings.length}: ${findings.map((f) => f.title).join(' | ')}`,
    );
  }
  fixtureCase.expect.forEach((expected, index) => {
    const actual = findings[index];
    if (!actual) return;
    for (const [field, value] of Object.entries(expected)) {
      const got = actual[field as keyof Finding];
      if (!isDeepStrictEqual(got, value)) {
        problems.push(
          `finding ${index}: ${field} expected ${JSON.stringify(value)}, got ${JSON.stringify(got)}`,
        );
      }
    }
  });
  return { name: fixtureCase.name, passed: problems.length === 0, problems };
}

/** Runs one detection over events on a single input and returns its findings, windows flushed. */
export function runDetection(
  detection: Detection,
  events: readonly SecurityEvent[],
  params: DetectionParams = {},
): Finding[] {
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
  pipeline.open('fixture');
  for (const event of events) pipeline.push('fixture', event);
  pipeline.close('fixture');
  pipeline.finish();
  return findings;
}

function decodeFixtureEvents(records: readonly JsonValue[], problems: string[]): SecurityEvent[] {
  const events: SecurityEvent[] = [];
  records.forEach((record, index) => {
    const origin = { input: 'fixture', offset: String(index) };
    const result =
      typeof record === 'string' ? decodeRecord(Buffer.from(record), origin) : decodeJson(record, origin);
    events.push(...result.events);
    for (const deadLetter of result.deadLetters) {
      problems.push(`event ${index} did not decode: ${deadLetter.reason} (${deadLetter.detail})`);
    }
  });
  return events;
}

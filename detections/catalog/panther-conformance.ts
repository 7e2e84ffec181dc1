import { readFileSync } from 'node:fs';
import { decodeJson } from '../../processor/decode/index.js';
import { runDetection } from '../../processor/pipeline/fixtures.js';
import type { JsonValue } from '../../schemas/types.js';
import type { Detection } from '../api.js';

/** A rule of Panther's panther-analysis, as test/corpus/panther/rules.json holds it: metadata and tests. */
export interface PantherRule {
  ruleId: string;
  logTypes: string[] | null;
  tests: { name: string; expected: boolean; log: JsonValue }[] | null;
}

/** How one Panther test case went for the detection that covers its rule. */
export interface PantherCase {
  detection: string;
  rule: string;
  test: string;
  expected: boolean;
  fired: boolean;
  /** The reason the detection's metadata gives for differing here, if it lists this case. */
  listedDifference: string | null;
}

export const PANTHER_RULES_URL = new URL('../../test/corpus/panther/rules.json', import.meta.url);

export function readPantherRules(url: URL = PANTHER_RULES_URL): PantherRule[] {
  return JSON.parse(readFileSync(url, 'utf8')) as PantherRule[];
}

/**
 * Replays every test log of the Panther rules a detection covers through that detection alone (default
 * params, windows flushed) and says whether it fired where Panther expects the rule to.
 *
 *   pantherCases(detection, readPantherRules()).filter((c) => c.fired !== c.expected && !c.listedDifference)
 */
export function pantherCases(detection: Detection, rules: readonly PantherRule[]): PantherCase[] {
  const cases: PantherCase[] = [];
  for (const ruleId of detection.panther?.rules ?? []) {
    const rule = rules.find((candidate) => candidate.ruleId === ruleId);
    for (const test of rule?.tests ?? []) {
      const { events } = decodeJson(test.log, { input: ruleId, offset: test.name });
      const fired = runDetection(detection, events).length > 0;
      const listed = detection.panther?.differences?.find(
        (difference) => difference.rule === ruleId && difference.test === test.name,
      );
      cases.push({
        detection: detection.id,
        rule: ruleId,
        test: test.name,
        expected: test.expected,
        fired,
        listedDifference: listed?.reason ?? null,
      });
    }
  }
  return cases;
}

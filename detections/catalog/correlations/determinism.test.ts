import { describe, expect, it } from 'vitest';
import {
  correlationScenario,
  SCENARIO_THREATS,
  type ScenarioRecord,
} from '../../../bench/correlations/scenario.js';
import { decodeJson, decodeRecord } from '../../../processor/decode/index.js';
import { FIXTURE_LATENESS_MS, runDetection } from '../../../processor/pipeline/fixtures.js';
import type { Finding, SecurityEvent } from '../../../schemas/types.js';
import { hours } from '../../operators/index.js';
import { correlationCatalog } from './index.js';

const STORIES = 3;
const records = correlationScenario({
  start: Date.UTC(2026, 10, 21),
  stories: STORIES,
  spacingMs: hours(2),
  background: 3000,
});
const events = decode(records);
const PARAMS: Record<string, Record<string, unknown>> = {
  'flowlog-threat-list-traffic': { cidrs: SCENARIO_THREATS },
};

/** Findings each correlation gives on the scenario (final versions), ordered. */
const EXPECTED: Record<string, number> = {
  'iam-user-backdoor-chain': 3,
  'ec2-user-data-swap': 3,
  's3-bucket-exposed-after-block-removed': 3,
  'signin-no-mfa-session-security-changes': 3,
  'discovery-api-enumeration': 3,
  'access-denied-then-succeeded': 3,
  // From outside AWS, and from another AWS address, per story.
  'ec2-instance-credentials-new-origin': 6,
  'mass-destruction-by-principal': 3,
  'signin-new-country-or-network': 3,
  'account-new-region-used': 3,
  // Each story's crypto-mining findings, and the credential-misuse finding of the GuardDuty-then-activity story.
  'guardduty-findings-by-family': 6,
  'guardduty-finding-then-principal-activity': 3,
  'flowlog-eni-egress-above-baseline': 3,
  'flowlog-threat-list-traffic': 3,
  'flowlog-rejected-connection-spike': 3,
  'flowlog-delivery-gap': 3,
};

describe.each(correlationCatalog.map((entry) => [entry.detection.id, entry] as const))(
  '%s',
  (id, { detection }) => {
    it('finds the scenario’s stories, with identical findings, ids and counts for any arrival order within the lateness', () => {
      const ordered = finalFindings(runDetection(detection, events, PARAMS[id] ?? {}));
      expect(ordered.length).toBe(EXPECTED[id]);
      for (const seed of [1, 2, 3]) {
        const shuffled = shuffleWithinLateness(events, FIXTURE_LATENESS_MS, seed);
        expect(shuffled).not.toEqual(events);
        expect(finalFindings(runDetection(detection, shuffled, PARAMS[id] ?? {}))).toEqual(ordered);
      }
    });
  },
);

function decode(scenario: readonly ScenarioRecord[]): SecurityEvent[] {
  return scenario.flatMap((item, index) => {
    const origin = { input: 'scenario', offset: String(index) };
    const result =
      item.source === 'flowlog'
        ? decodeRecord(Buffer.from(item.record), origin)
        : decodeJson(item.record, origin);
    expect(result.deadLetters).toEqual([]);
    return result.events;
  });
}

/** The last version of each finding id (roll-ups replace the first emission), sorted by id. */
function finalFindings(findings: readonly Finding[]): Finding[] {
  const byId = new Map<string, Finding>();
  for (const finding of findings) byId.set(finding.id, finding);
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}

/**
 * Shuffles events within consecutive runs spanning less than half the lateness (seeded): none then arrives more
 * than the lateness behind the newest event before it, so none is late.
 */
function shuffleWithinLateness(
  sorted: readonly SecurityEvent[],
  lateness: number,
  seed: number,
): SecurityEvent[] {
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  const out: SecurityEvent[] = [];
  let chunk: SecurityEvent[] = [];
  const flush = () => {
    for (let i = chunk.length - 1; i > 0; i -= 1) {
      const j = Math.floor(next() * (i + 1));
      [chunk[i], chunk[j]] = [chunk[j] as SecurityEvent, chunk[i] as SecurityEvent];
    }
    out.push(...chunk);
    chunk = [];
  };
  for (const event of sorted) {
    if (chunk.length > 0 && event.time - (chunk[0] as SecurityEvent).time >= lateness / 2) flush();
    chunk.push(event);
  }
  flush();
  return out;
}

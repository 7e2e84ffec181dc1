import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../schemas/types.js';
import { decodeJson } from './index.js';

interface PantherRule {
  ruleId: string;
  logTypes: string[] | null;
  tests: { name: string; log: JsonValue }[] | null;
}

const LOG_TYPES = ['AWS.CloudTrail', 'AWS.GuardDuty', 'AWS.VPCFlow'] as const;
const rules = JSON.parse(
  readFileSync(new URL('../../test/corpus/panther/rules.json', import.meta.url), 'utf8'),
) as PantherRule[];

/** Decoded vs dead-lettered (by reason) for every test log of the rules of each log type. */
function tally(): Record<string, Record<string, number>> {
  const counts: Record<string, Record<string, number>> = {};
  for (const logType of LOG_TYPES) {
    const row: Record<string, number> = {};
    const count = (key: string) => {
      row[key] = (row[key] ?? 0) + 1;
    };
    for (const rule of rules.filter((candidate) => candidate.logTypes?.includes(logType))) {
      for (const test of rule.tests ?? []) {
        const result = decodeJson(test.log, { input: rule.ruleId, offset: test.name });
        for (const event of result.events) count(`decoded:${event.source}`);
        for (const letter of result.deadLetters) count(letter.reason);
      }
    }
    counts[logType] = row;
  }
  return counts;
}

describe('Panther corpus', () => {
  it('decodes or dead-letters every test log, with these exact counts', () => {
    expect(tally()).toEqual({
      'AWS.CloudTrail': {
        'decoded:cloudtrail': 208,
        // Panther's normalised times ("2024-01-01 00:00:00.000") carry no zone; AWS always writes `Z`.
        timestamp_not_utc: 82,
        // Negative tests trimmed to the fields a rule reads: no eventID (25), no eventTime and eventID (6),
        // no eventTime and eventSource (2), or lower-cased keys (eventname, eventtime, ...) in a record
        // marked p_log_type AWS.CloudTrail, so none of the four required fields in AWS's casing (5).
        missing_field: 38,
        // Lower-cased keys and no p_log_type: nothing says it is CloudTrail.
        unknown_format: 3,
        // eventTime "redacted".
        timestamp_invalid: 1,
      },
      'AWS.GuardDuty': {
        'decoded:guardduty': 4,
        // The AttackSequence findings carry Panther's zone-less "2025-02-25 20:40:06.721".
        timestamp_not_utc: 2,
      },
      'AWS.VPCFlow': {
        // Panther's flow tests hold only the fields a rule reads: no start time (and mostly no action).
        missing_field: 14,
        // OCSF.NetworkActivity records (src_endpoint, status_code) in the same rules: not AWS's format.
        unknown_format: 6,
      },
    });
  });
});

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
        // Zone-less times ("2024-01-01 00:00:00.000") read as UTC; Athena's lower-cased keys read in AWS's
        // casing; trimmed records without eventID get an id from their content.
        'decoded:cloudtrail': 322,
        // Negative and positive tests trimmed to the fields a rule reads: no eventTime (8), so no event time
        // to place them at.
        missing_field: 8,
        // eventTime "redacted" and "...".
        timestamp_invalid: 2,
      },
      'AWS.GuardDuty': {
        'decoded:guardduty': 6,
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

import { describe, expect, it } from 'vitest';
import { testFinding } from '../../../test/influxdb/test-finding.js';
import { findingLine } from './finding-point.js';

describe('findingLine', () => {
  it('writes tags sorted, integer fields, the title and a ms timestamp', () => {
    const line = findingLine(testFinding({ id: 'f1', time: 1_700_000_000_123, count: 3, riskScore: 80 }));
    expect(line).toBe(
      'finding,account=111122223333,detection=root-console-login,finding_id=f1,region=us-east-1,' +
        'severity=high,tier=alert count=3i,risk_score=80i,title="Root user signed in to the console" 1700000000123',
    );
  });

  it('leaves out null tags and escapes tag and string values', () => {
    const line = findingLine(
      testFinding({
        id: 'f2',
        time: 5,
        account: null,
        region: null,
        detection: 'a b,c=d',
        title: 'say "hi" \\',
      }),
    );
    expect(line).toBe(
      'finding,detection=a\\ b\\,c\\=d,finding_id=f2,severity=high,tier=alert ' +
        'count=1i,risk_score=75i,title="say \\"hi\\" \\\\" 5',
    );
  });

  it('throws for a count line protocol cannot carry', () => {
    expect(() => findingLine(testFinding({ id: 'f3', time: 5, count: Number.NaN }))).toThrow(
      "invalid integer value for field 'count': 'NaN'!",
    );
  });
});

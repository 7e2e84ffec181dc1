import type { _Record } from '@aws-sdk/client-timestream-write';
import type { Finding, Severity } from '../../../schemas/types.js';

/** What every record of a batch shares; sent once per WriteRecords call as CommonAttributes. */
export const COMMON_ATTRIBUTES: _Record = {
  MeasureName: 'finding',
  MeasureValueType: 'MULTI',
  TimeUnit: 'MILLISECONDS',
};

/** Severity as a number, so queries can filter and aggregate with `>=`. */
export const SEVERITY_LEVEL: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

/** Timestream rejects empty dimension values; a finding without account or region says so explicitly. */
export const UNKNOWN_DIMENSION = 'unknown';

/**
 * One multi-measure record per finding. `finding_id` is a dimension so every finding is its own row, and
 * `Version` is the finding's count: a roll-up (same id, same time, higher count) upserts the row, a retry of
 * the same finding is an idempotent no-op.
 *
 *   findingRecord(finding);
 *   // { Dimensions: [{ Name: 'account', Value: '111122223333' }, ...], Time: '1700000000000', Version: 1, ... }
 */
export function findingRecord(finding: Finding): _Record {
  return {
    Dimensions: [
      { Name: 'account', Value: finding.account || UNKNOWN_DIMENSION },
      { Name: 'region', Value: finding.region || UNKNOWN_DIMENSION },
      { Name: 'detection', Value: finding.detection },
      { Name: 'severity', Value: finding.severity },
      { Name: 'tier', Value: finding.tier },
      { Name: 'finding_id', Value: finding.id },
    ],
    MeasureValues: [
      { Name: 'count', Value: String(finding.count), Type: 'BIGINT' },
      { Name: 'risk_score', Value: String(finding.riskScore), Type: 'DOUBLE' },
      { Name: 'severity_level', Value: String(SEVERITY_LEVEL[finding.severity]), Type: 'BIGINT' },
    ],
    Time: String(finding.time),
    // Timestream versions start at 1.
    Version: Math.max(1, finding.count),
  };
}

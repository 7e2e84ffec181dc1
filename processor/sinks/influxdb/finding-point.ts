import { Point } from '@influxdata/influxdb-client';
import type { Finding } from '../../../schemas/types.js';

/** Measurement name of findings in InfluxDB, the same for v1 databases and v2 buckets. */
export const FINDING_MEASUREMENT = 'finding';

/** Line timestamps are epoch ms, sent with `precision=ms`; the client's default would be ns. */
const MILLISECONDS = { convertTime: (time: string | number | Date | undefined) => String(time) };

/**
 * A finding as one line of line protocol: tags account, region, detection, severity, tier, finding_id
 * (null tags are left out); fields count, risk_score (integers) and title; timestamp = finding time (ms).
 * The finding_id tag makes every finding its own series, so a retried write overwrites, never duplicates.
 * Throws for values line protocol cannot carry (a non-finite count or risk score).
 *
 *   findingLine(finding);
 *   // 'finding,account=111122223333,detection=root-login,finding_id=9f…,region=us-east-1,severity=high,tier=alert count=1i,risk_score=75i,title="Root login" 1700000000000'
 */
export function findingLine(finding: Finding): string {
  const point = new Point(FINDING_MEASUREMENT)
    .tag('detection', finding.detection)
    .tag('severity', finding.severity)
    .tag('tier', finding.tier)
    .tag('finding_id', finding.id)
    .intField('count', finding.count)
    .intField('risk_score', finding.riskScore)
    .stringField('title', finding.title)
    .timestamp(Math.floor(finding.time));
  if (finding.account) point.tag('account', finding.account);
  if (finding.region) point.tag('region', finding.region);
  const line = point.toLineProtocol(MILLISECONDS);
  if (line === undefined) throw new Error(`finding ${finding.id} has no line protocol form`);
  return line;
}

import { filter, mergeMap } from 'rxjs';
import type { GuardDutyFinding, SecurityEvent, Severity } from '../../../schemas/types.js';
import type { Detection, DetectionMeta } from '../../api.js';
import { buildFinding } from '../../finding.js';
import { hours } from '../../operators/index.js';
import { type ParamReader, paramReader } from '../params.js';
import { isSampleFinding } from './sample-finding.js';

/** A single-finding GuardDuty detection: its metadata and which findings it reports, at what severity. */
export interface GuardDutyRule<S> extends Omit<DetectionMeta, 'routes' | 'failedCalls'> {
  /** Reads the detection's params once, when the operator is built (a bad value throws there). */
  settings?: (read: ParamReader) => S;
  /** The severity to report the finding at, or null when this detection does not report it. */
  select: (finding: GuardDutyFinding, settings: S) => Severity | null;
  /** What the finding means for the engineer, added before GuardDuty's own title. */
  meaning?: (finding: GuardDutyFinding) => string;
}

/**
 * Builds a GuardDuty detection, so a catalog file holds its metadata and `select`. Archived findings and
 * samples (CreateSampleFindings, "Generate sample findings") are never reported; one finding per (account,
 * resource, finding type) a day by default, since GuardDuty re-sends a finding each time its count grows.
 *
 *   export const detection = guardDutyRule({ id: 'guardduty-medium-severity-finding',
 *     select: (finding) => (finding.severity >= 4 && finding.severity < 7 ? 'medium' : null), ...meta });
 */
export function guardDutyRule<S = undefined>(rule: GuardDutyRule<S>): Detection {
  const { settings, select, meaning, ...meta } = rule;
  const detection: Detection = {
    dedupPeriodMs: hours(24),
    ...meta,
    routes: [{ source: 'guardduty', actions: '*' }],
    operator: ({ params }) => {
      const configured = (settings ? settings(paramReader(rule.id, params)) : undefined) as S;
      return (events) =>
        events.pipe(
          filter((event) => event.guardduty !== null && event.guardduty.archived !== true),
          filter((event) => !isSampleFinding(event)),
          mergeMap((event) => {
            const finding = event.guardduty as GuardDutyFinding;
            const severity = select(finding, configured);
            return severity === null ? [] : [toFinding(detection, event, finding, severity, meaning)];
          }),
        );
    },
  };
  return detection;
}

function toFinding(
  detection: Detection,
  event: SecurityEvent,
  finding: GuardDutyFinding,
  severity: Severity,
  meaning: GuardDutyRule<unknown>['meaning'],
) {
  // An S3 finding carries the caller's access key too; the bucket is what it is about.
  const bucket =
    finding.resourceType === 'S3Bucket'
      ? event.resources.find((r) => r.type === 'AWS::S3::Bucket')
      : undefined;
  const resource = `${finding.resourceType ?? 'resource'} ${bucket?.id ?? finding.resourceId ?? 'unknown'}`;
  const reported = finding.title ?? `GuardDuty reported ${finding.type} on ${resource}.`;
  const context: Record<string, string> = {
    findingType: finding.type,
    guardDutySeverity: String(finding.severity),
    resourceType: finding.resourceType ?? '',
    resourceId: finding.resourceId ?? '',
    occurrences: String(finding.count),
  };
  if (finding.actionType) context.actionType = finding.actionType;
  if (finding.remoteIp) context.remoteIp = finding.remoteIp;
  return buildFinding(detection, {
    key: `${event.account ?? 'unknown'}|${finding.resourceId ?? '-'}|${finding.type}`,
    trigger: event,
    severity,
    title: `GuardDuty ${finding.type} (severity ${finding.severity}) on ${resource}`,
    description: meaning ? `${meaning(finding)} ${reported}` : reported,
    context,
  });
}

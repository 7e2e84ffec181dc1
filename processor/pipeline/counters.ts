import type { EventSource, Finding, SecurityEvent } from '../../schemas/types.js';

/** What the pipeline saw and did, for the replay summary and metrics. */
export class PipelineCounters {
  readonly eventsBySource: Record<EventSource, number> = { cloudtrail: 0, guardduty: 0, flowlog: 0 };
  /** Events older than the watermark when they arrived: skipped by windows, still seen by single-event detections. */
  late = 0;
  /** Events no detection routes on. */
  unrouted = 0;
  readonly suppressedByDetection = new Map<string, number>();
  readonly findingsByDetection = new Map<string, number>();
  /** Re-emissions of a finding id with a higher count (dedup roll-ups). */
  findingUpdates = 0;

  countEvent(event: SecurityEvent, late: boolean): void {
    this.eventsBySource[event.source] += 1;
    if (late) this.late += 1;
  }

  countSuppressed(detection: string): void {
    this.suppressedByDetection.set(detection, (this.suppressedByDetection.get(detection) ?? 0) + 1);
  }

  countFinding(finding: Finding, update: boolean): void {
    if (update) {
      this.findingUpdates += 1;
      return;
    }
    this.findingsByDetection.set(
      finding.detection,
      (this.findingsByDetection.get(finding.detection) ?? 0) + 1,
    );
  }
}

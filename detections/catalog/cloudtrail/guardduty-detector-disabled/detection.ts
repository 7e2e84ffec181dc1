import { filter, map } from 'rxjs';
import type { SecurityEvent } from '../../../../schemas/types.js';
import type { Detection } from '../../../api.js';
import { buildFinding, principalLabel } from '../../../finding.js';
import { request, succeeded, text } from '../record.js';

export const detection: Detection = {
  id: 'guardduty-detector-disabled',
  title: 'GuardDuty detector deleted or suspended',
  description:
    'A GuardDuty detector was deleted, or updated with enable=false (suspended). Either stops threat ' +
    'detection for the account and region, and a deletion also discards its existing findings; attackers do ' +
    'this before acting so no GuardDuty finding reports them.',
  severity: 'critical',
  mitre: ['T1562.001'],
  tactics: ['defense-evasion'],
  failedCalls: 'ignored',
  runbook: 'https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_suspend-disable.html',
  remediation:
    'Re-enable GuardDuty: `aws guardduty update-detector --detector-id <id> --enable` for a suspended ' +
    'detector, or `aws guardduty create-detector --enable` (GuardDuty console → Get started) after a ' +
    'deletion; manage detectors from the delegated administrator account and deny guardduty:DeleteDetector ' +
    'and guardduty:UpdateDetector to everyone else with an SCP.',
  routes: [{ source: 'cloudtrail', actions: ['guardduty:DeleteDetector', 'guardduty:UpdateDetector'] }],
  operator: () => (events) => events.pipe(filter(isDetectorDisabled), map(toFinding)),
};

function isDetectorDisabled(event: SecurityEvent): boolean {
  if (!succeeded(event)) return false;
  return event.action === 'guardduty:DeleteDetector' || request(event, 'enable') === false;
}

function toFinding(event: SecurityEvent) {
  const detectorId = text(request(event, 'detectorId')) ?? 'unknown';
  const change = event.action === 'guardduty:DeleteDetector' ? 'deleted' : 'suspended';
  const region = event.region ?? 'an unknown region';
  const who = principalLabel(event) ?? 'An unknown principal';
  return buildFinding(detection, {
    key: `${event.account}:${event.region}:${detectorId}`,
    trigger: event,
    title: `GuardDuty detector ${detectorId} ${change} in ${region} by ${who}`,
    description:
      `${who} ${change} GuardDuty detector ${detectorId} in ${event.account ?? 'an unknown account'}/${region}. ` +
      'Threat detection is off there until the detector is enabled again.',
    resources: [{ type: 'AWS::GuardDuty::Detector', id: detectorId, account: event.account }],
    context: {
      action: event.action,
      detectorId,
      change,
      sourceIp: event.srcIp ?? '',
      region: event.region ?? '',
    },
  });
}

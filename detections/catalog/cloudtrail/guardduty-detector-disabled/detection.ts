import type { JsonValue, SecurityEvent, Severity } from '../../../../schemas/types.js';
import { successOrDenied } from '../denied-attempts.js';
import { isFalse } from '../flag.js';
import { at, items, request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'guardduty-detector-disabled',
  title: 'GuardDuty detector deleted, suspended or its protections turned off',
  description:
    'A GuardDuty detector was deleted or suspended (UpdateDetector enable=false): threat detection stops for the ' +
    'account and region, and a deletion also discards its findings (critical). Turning off protection plans (S3, ' +
    'EKS audit logs, runtime monitoring, malware scans, RDS/Lambda protection) or deleting the export of findings ' +
    'blinds GuardDuty to part of what an attacker does (medium). A call refused for lack of permission counts.',
  severity: 'critical',
  mitre: ['T1562.001'],
  tactics: ['defense-evasion'],
  failedCalls: 'counted',
  runbook: 'https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_suspend-disable.html',
  remediation:
    'Re-enable GuardDuty: `aws guardduty update-detector --detector-id <id> --enable` for a suspended detector, ' +
    '`aws guardduty create-detector --enable` (GuardDuty console → Get started) after a deletion, `aws guardduty ' +
    'update-detector --detector-id <id> --features Name=<feature>,Status=ENABLED` for a protection plan, and ' +
    '`aws guardduty create-publishing-destination` for the export. Manage detectors from the delegated ' +
    'administrator account and deny guardduty:DeleteDetector, UpdateDetector and DeletePublishingDestination to ' +
    'everyone else with an SCP.',
  actions: ['guardduty:DeleteDetector', 'guardduty:UpdateDetector', 'guardduty:DeletePublishingDestination'],
  match: successOrDenied((event) => {
    const change = changeOf(event);
    if (change === null) return null;
    const detectorId = text(request(event, 'detectorId')) ?? 'unknown';
    const region = event.region ?? 'an unknown region';
    const who = actor(event);
    return {
      key: `${event.account}:${event.region}:${detectorId}`,
      severity: event.errorCode === null ? change.severity : 'high',
      title: `GuardDuty detector ${detectorId} in ${region}: ${change.what} by ${who}`,
      description:
        `${who} ${change.what} (GuardDuty detector ${detectorId}, ${event.account ?? 'an unknown account'}/${region}). ` +
        'GuardDuty sees less there until it is enabled again.',
      resources: [{ type: 'AWS::GuardDuty::Detector', id: detectorId, account: event.account }],
      context: { detectorId, change: change.what },
    };
  }),
});

function changeOf(event: SecurityEvent): { severity: Severity; what: string } | null {
  if (event.action === 'guardduty:DeleteDetector') return { severity: 'critical', what: 'detector deleted' };
  if (event.action === 'guardduty:DeletePublishingDestination')
    return { severity: 'medium', what: 'findings export deleted' };
  if (isFalse(request(event, 'enable'))) return { severity: 'critical', what: 'detector suspended' };
  const disabled = disabledProtections(event);
  return disabled.length > 0
    ? { severity: 'medium', what: `protection turned off: ${disabled.join(', ')}` }
    : null;
}

/** Protection plans an UpdateDetector call turns off, as `features` (current API) or `dataSources` (older). */
function disabledProtections(event: SecurityEvent): string[] {
  const features = items(request(event, 'features')).flatMap((feature) => {
    const name = text(at(feature, 'name')) ?? text(at(feature, 'Name'));
    const status = text(at(feature, 'status')) ?? text(at(feature, 'Status'));
    const own = name !== null && status === 'DISABLED' ? [name] : [];
    const extra = items(at(feature, 'additionalConfiguration'))
      .filter((config) => text(at(config, 'status')) === 'DISABLED')
      .map((config) => text(at(config, 'name')))
      .filter((config): config is string => config !== null);
    return [...own, ...extra];
  });
  const sources = request(event, 'dataSources');
  const legacy: [string, JsonValue | undefined][] = [
    ['S3_DATA_EVENTS', at(sources, 's3Logs', 'enable')],
    ['EKS_AUDIT_LOGS', at(sources, 'kubernetes', 'auditLogs', 'enable')],
    ['EBS_MALWARE_PROTECTION', at(sources, 'malwareProtection', 'scanEc2InstanceWithFindings', 'ebsVolumes')],
  ];
  return [...features, ...legacy.filter(([, enabled]) => isFalse(enabled)).map(([name]) => name)];
}

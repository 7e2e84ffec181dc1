import type { SecurityEvent, Severity } from '../../../../schemas/types.js';
import { successOrDenied } from '../denied-attempts.js';
import { isFalse } from '../flag.js';
import { request, response, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'guardduty-trusted-ip-list-changed',
  title: 'GuardDuty trusted IP list added or changed, or threat list removed',
  description:
    'A GuardDuty trusted IP list was created or updated (high): GuardDuty raises no finding for traffic from ' +
    'the addresses it lists, so an attacker who adds their own addresses turns detection off for themselves. ' +
    'Deleting or deactivating a threat intelligence list (medium) stops findings for the addresses it named. ' +
    'A call refused for lack of permission counts.',
  severity: 'high',
  mitre: ['T1562.001'],
  tactics: ['defense-evasion'],
  failedCalls: 'counted',
  panther: { rules: ['AWS.IPSet.Modified'] },
  runbook: 'https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_upload-lists.html',
  remediation:
    'Review the list the call points to (GuardDuty console → Settings → Lists, or `aws guardduty get-ip-set ' +
    '--detector-id <id> --ip-set-id <set>` and the S3 object at its location); remove addresses you do not own ' +
    'or delete the set (`aws guardduty delete-ip-set`), restore deleted threat lists, and manage lists only from ' +
    'the GuardDuty administrator account.',
  actions: [
    'guardduty:CreateIPSet',
    'guardduty:UpdateIPSet',
    'guardduty:DeleteThreatIntelSet',
    'guardduty:UpdateThreatIntelSet',
  ],
  match: successOrDenied((event) => {
    const change = changeOf(event);
    if (change === null) return null;
    const detectorId = text(request(event, 'detectorId')) ?? 'unknown';
    const location = text(request(event, 'location'));
    const who = actor(event);
    return {
      key: `${event.account}:${event.region}:${change.list}`,
      severity: change.severity,
      title: `GuardDuty ${change.what} ${change.list} by ${who}`,
      description:
        `${who} called ${event.action} on detector ${detectorId} in ${event.region ?? 'an unknown region'}` +
        (location === null ? '.' : ` (list at ${location}).`),
      resources: [{ type: 'AWS::GuardDuty::Detector', id: detectorId, account: event.account }],
      context: { detectorId, list: change.list, location: location ?? '' },
    };
  }),
});

function changeOf(event: SecurityEvent): { severity: Severity; what: string; list: string } | null {
  const ipSet =
    text(request(event, 'ipSetId')) ??
    text(response(event, 'ipSetId')) ??
    text(request(event, 'name')) ??
    'unknown';
  const threatSet = text(request(event, 'threatIntelSetId')) ?? 'unknown';
  switch (event.action) {
    case 'guardduty:CreateIPSet':
      return { severity: 'high', what: 'trusted IP list created:', list: ipSet };
    case 'guardduty:UpdateIPSet':
      return { severity: 'high', what: 'trusted IP list changed:', list: ipSet };
    case 'guardduty:DeleteThreatIntelSet':
      return { severity: 'medium', what: 'threat list deleted:', list: threatSet };
    default:
      return isFalse(request(event, 'activate'))
        ? { severity: 'medium', what: 'threat list deactivated:', list: threatSet }
        : null;
  }
}

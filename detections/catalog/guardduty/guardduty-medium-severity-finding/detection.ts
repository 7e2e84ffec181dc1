import { familyOf } from '../finding-family.js';
import { guardDutyRule } from '../rule.js';

/** GuardDuty findings of medium severity (4.0-6.9), except the types a family detection reports. */
export const detection = guardDutyRule({
  id: 'guardduty-medium-severity-finding',
  title: 'GuardDuty medium-severity finding',
  description:
    'GuardDuty reported a medium severity threat (4.0-6.9): suspicious activity that deviates from normal ' +
    'behaviour but is not yet a confirmed compromise (an instance probed or brute-forced from a known bad ' +
    'address, unusual API calls, a resource contacting a suspicious domain). Review it within the day.',
  severity: 'medium',
  mitre: ['T1078.004', 'T1190'],
  tactics: ['initial-access', 'discovery'],
  panther: { rules: ['AWS.GuardDuty.MediumSeverityFinding'] },
  runbook: 'https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings-severity.html',
  remediation:
    'Open the finding (GuardDuty console → Findings, or `aws guardduty get-findings --detector-id <d> ' +
    '--finding-ids <id>`), check the affected resource and the remote address, and fix the exposure it points ' +
    'to (close the port, tighten the security group, rotate the key). Archive it with a suppression rule only ' +
    'when the behaviour is confirmed benign.',
  select: (finding) =>
    finding.severity >= 4 && finding.severity < 7 && familyOf(finding.type) === null ? 'medium' : null,
});

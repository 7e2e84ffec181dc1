import { familyOf } from '../finding-family.js';
import { guardDutyRule } from '../rule.js';

/** GuardDuty findings of low severity (below 4.0), except the types a family detection reports. */
export const detection = guardDutyRule({
  id: 'guardduty-low-severity-finding',
  title: 'GuardDuty low-severity finding',
  description:
    'GuardDuty reported a low severity finding (1.0-3.9): attempted or blocked suspicious activity, such as a ' +
    'port probe on an open port or an S3 setting weakened. Recorded as context for other findings; low ' +
    'findings about logging or from Tor and known bad addresses are reported by their family detections.',
  severity: 'low',
  mitre: ['T1595', 'T1046'],
  tactics: ['reconnaissance', 'discovery'],
  panther: { rules: ['AWS.GuardDuty.LowSeverityFinding'] },
  runbook: 'https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings-severity.html',
  remediation:
    'Review low findings in bulk (GuardDuty console → Findings, filter Severity: Low): close the exposure they ' +
    'show (an open port being probed, a bucket setting), and create suppression rules for known benign sources.',
  select: (finding) => (finding.severity < 4 && familyOf(finding.type) === null ? 'low' : null),
});

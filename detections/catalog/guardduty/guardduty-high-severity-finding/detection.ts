import { familyOf } from '../finding-family.js';
import { guardDutyRule } from '../rule.js';

/**
 * `minSeverity`: lowest GuardDuty severity reported (GuardDuty bands: High 7.0-8.9, Critical 9.0-10.0);
 * `criticalSeverity`: from this GuardDuty severity on the finding is critical.
 */
export const DEFAULT_PARAMS = { minSeverity: 7, criticalSeverity: 9 };
const SEVERITY_RANGE = { min: 0, max: 10 };

/**
 * GuardDuty findings of high severity (≥ 7.0; critical from 9.0), active and not samples, except the finding
 * types a family detection reports (finding-family.ts).
 */
export const detection = guardDutyRule({
  id: 'guardduty-high-severity-finding',
  title: 'GuardDuty high-severity finding',
  description:
    'GuardDuty reported a high or critical severity threat: a resource is likely compromised (an instance ' +
    'talking to a command-and-control server, credentials used from a malicious address, data exfiltration...). ' +
    'GuardDuty rates it High (7.0-8.9) or Critical (9.0-10.0): act now, not at the next review.',
  severity: 'high',
  mitre: ['T1078.004', 'T1496'],
  tactics: ['initial-access', 'impact'],
  panther: { rules: ['AWS.GuardDuty.HighSeverityFinding', 'AWS.GuardDuty.CriticalSeverityFinding'] },
  runbook: 'https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_remediate.html',
  remediation:
    'Open the finding (GuardDuty console > Findings > filter by finding id, or `aws guardduty get-findings`) and ' +
    'follow the remediation for its resource type: for an instance, isolate it with a security group that allows ' +
    'no traffic, snapshot its volumes and detach its instance profile; for an access key, deactivate it ' +
    '(`aws iam update-access-key --status Inactive`) and revoke role sessions; for an S3 bucket, block public ' +
    'access and review the bucket policy. Archive the finding only once the cause is fixed.',
  settings: (read) => ({
    minSeverity: read.number('minSeverity', DEFAULT_PARAMS.minSeverity, SEVERITY_RANGE),
    criticalSeverity: read.number('criticalSeverity', DEFAULT_PARAMS.criticalSeverity, SEVERITY_RANGE),
  }),
  select: (finding, settings) => {
    if (finding.severity < settings.minSeverity || familyOf(finding.type) !== null) return null;
    return finding.severity >= settings.criticalSeverity ? 'critical' : 'high';
  },
});

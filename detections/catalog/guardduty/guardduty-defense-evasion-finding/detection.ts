import { familyOf } from '../finding-family.js';
import { guardDutyRule } from '../rule.js';

/** GuardDuty Stealth and DefenseEvasion findings: rated Low or Medium by GuardDuty, reported high here. */
export const detection = guardDutyRule({
  id: 'guardduty-defense-evasion-finding',
  title: 'GuardDuty: defences or logging being turned off',
  description:
    'GuardDuty reported a Stealth or DefenseEvasion finding: CloudTrail logging disabled, S3 server access ' +
    'logging turned off, the password policy weakened, DNS over HTTPS used to hide lookups, a runtime agent or ' +
    'security tool tampered with. GuardDuty rates several of these Low, but losing visibility is often the step ' +
    'right before the real action, so they are reported at high severity.',
  severity: 'high',
  mitre: ['T1562.008', 'T1562.001'],
  tactics: ['defense-evasion'],
  runbook: 'https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-iam.html',
  remediation:
    'Restore what was turned off (start CloudTrail logging: `aws cloudtrail start-logging --name <trail>`; ' +
    're-enable S3 access logging; restore the password policy), then investigate the principal in the finding: ' +
    'review its recent calls and revoke its credentials if the change was not planned.',
  select: (finding) => (familyOf(finding.type) === 'guardduty-defense-evasion-finding' ? 'high' : null),
  meaning: (finding) => `GuardDuty reports a defence being weakened (${finding.type}).`,
});

import { familyOf } from '../finding-family.js';
import { guardDutyRule } from '../rule.js';

/** GuardDuty's own detection of an instance's role credentials used from somewhere else. */
export const detection = guardDutyRule({
  id: 'guardduty-instance-credential-exfiltration',
  title: 'GuardDuty: EC2 instance credentials used outside the instance',
  description:
    "GuardDuty saw the temporary credentials of an EC2 instance's role used from outside AWS " +
    '(InstanceCredentialExfiltration.OutsideAWS) or from another AWS account (.InsideAWS). The credentials were ' +
    'taken from the instance (an SSRF to the metadata service, a compromised host) and are being replayed by ' +
    'someone else: revoke them before anything else. Critical from outside AWS, high from another account.',
  severity: 'critical',
  mitre: ['T1552.005', 'T1078.004'],
  tactics: ['credential-access', 'defense-evasion'],
  stratus: ['aws.credential-access.ec2-steal-instance-credentials'],
  runbook:
    'https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-iam.html#unauthorizedaccess-iam-instancecredentialexfiltrationoutsideaws',
  remediation:
    "Revoke the role's sessions now (IAM console → Roles → <role> → Revoke active sessions, which denies every " +
    'credential issued before now), require IMDSv2 on the instance (`aws ec2 modify-instance-metadata-options ' +
    '--instance-id <id> --http-tokens required`), find how the credentials left (SSRF in the application, a ' +
    'shell on the host) and review every call made from the remote address in CloudTrail.',
  select: (finding) => {
    if (familyOf(finding.type) !== 'guardduty-instance-credential-exfiltration') return null;
    return finding.type.endsWith('.OutsideAWS') ? 'critical' : 'high';
  },
  meaning: () => "The instance's role credentials are in someone else's hands.",
});

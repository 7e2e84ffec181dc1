import { familyOf } from '../finding-family.js';
import { guardDutyRule } from '../rule.js';

/** API calls with the account's credentials from Tor or a known malicious address. */
export const detection = guardDutyRule({
  id: 'guardduty-malicious-caller-finding',
  title: 'GuardDuty: API called from Tor or a known malicious address',
  description:
    "GuardDuty saw the account's credentials call AWS APIs (IAM, S3) from a Tor exit node or an address on a " +
    'threat list (TorIPCaller, MaliciousIPCaller, MaliciousIPCaller.Custom). Legitimate users and workloads do ' +
    'not call AWS through Tor: the credentials are most likely stolen. GuardDuty rates most of these Medium; ' +
    'reported at high severity here.',
  severity: 'high',
  mitre: ['T1078.004', 'T1090.003'],
  tactics: ['initial-access', 'command-and-control'],
  runbook:
    'https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-iam.html#unauthorizedaccess-iam-toripcaller',
  remediation:
    "Deactivate the access key in the finding or revoke the role's sessions, review every call made from the " +
    'address in CloudTrail (what it read, created or changed), and block anonymising networks for sensitive ' +
    'roles with an `aws:SourceIp` or `aws:SourceVpc` condition.',
  select: (finding) => (familyOf(finding.type) === 'guardduty-malicious-caller-finding' ? 'high' : null),
  meaning: () => 'Credentials of this account were used from an anonymising network or a known bad address.',
});

import { describe, expect, it } from 'vitest';
import { familyOf } from './finding-family.js';

describe('familyOf', () => {
  it.each([
    [
      'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS',
      'guardduty-instance-credential-exfiltration',
    ],
    [
      'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS',
      'guardduty-instance-credential-exfiltration',
    ],
    ['Stealth:IAMUser/CloudTrailLoggingDisabled', 'guardduty-defense-evasion-finding'],
    ['DefenseEvasion:EC2/UnusualDoHActivity', 'guardduty-defense-evasion-finding'],
    ['PenTest:IAMUser/KaliLinux', 'guardduty-pentest-tool-finding'],
    ['UnauthorizedAccess:IAMUser/TorIPCaller', 'guardduty-malicious-caller-finding'],
    ['Discovery:S3/MaliciousIPCaller.Custom', 'guardduty-malicious-caller-finding'],
  ])('%s belongs to %s', (type, family) => {
    expect(familyOf(type)).toBe(family);
  });

  it.each([
    ['UnauthorizedAccess:EC2/TorIPCaller'],
    ['Recon:EC2/PortProbeUnprotectedPort'],
    ['CryptoCurrency:EC2/BitcoinTool.B!DNS'],
    ['AttackSequence:IAM/CompromisedCredentials'],
  ])('%s is left to its severity band', (type) => {
    expect(familyOf(type)).toBeNull();
  });
});

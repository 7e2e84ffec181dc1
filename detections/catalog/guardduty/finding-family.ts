/**
 * GuardDuty finding types that have a detection of their own, because GuardDuty's severity band understates
 * what they mean for the account (CloudTrail logging disabled is rated Low; API calls from a penetration-testing
 * distribution or from Tor Medium). The severity-band detections leave these types to their family detection,
 * so one GuardDuty finding gives one shardwatch finding.
 *
 *   familyOf('Stealth:IAMUser/CloudTrailLoggingDisabled') // 'guardduty-defense-evasion-finding'
 *   familyOf('Recon:EC2/PortProbeUnprotectedPort')        // null: reported by its severity band
 */
const FAMILIES: readonly (readonly [detection: string, types: RegExp])[] = [
  [
    'guardduty-instance-credential-exfiltration',
    /^UnauthorizedAccess:IAMUser\/InstanceCredentialExfiltration\.(OutsideAWS|InsideAWS)$/,
  ],
  ['guardduty-defense-evasion-finding', /^(Stealth|DefenseEvasion):/],
  ['guardduty-pentest-tool-finding', /^PenTest:/],
  [
    'guardduty-malicious-caller-finding',
    /^[A-Za-z]+:(IAMUser|S3)\/(TorIPCaller|MaliciousIPCaller(\.Custom)?)$/,
  ],
];

/** The id of the family detection that owns a finding type, or null when its severity band reports it. */
export function familyOf(type: string): string | null {
  return FAMILIES.find(([, types]) => types.test(type))?.[0] ?? null;
}

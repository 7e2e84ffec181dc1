import type { SecurityEvent, Severity } from '../../../../schemas/types.js';
import { requestAnyCase } from '../any-case.js';
import { successOrDenied } from '../denied-attempts.js';
import { text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'ec2-ebs-default-encryption-disabled',
  title: 'EBS default encryption disabled or its key moved to another account',
  description:
    'EBS encryption by default was turned off for a region (medium: new volumes and snapshot copies are ' +
    'unencrypted), or the default EBS key set to a KMS key of another account (high: every new volume is ' +
    'encrypted with a key the attacker controls and can revoke, a ransomware set-up). A call refused for lack of ' +
    'permission counts.',
  severity: 'medium',
  mitre: ['T1562.001', 'T1486'],
  tactics: ['defense-evasion', 'impact'],
  failedCalls: 'counted',
  panther: {
    rules: ['AWS.EC2.EBS.Encryption.Disabled'],
    differences: [
      {
        rule: 'AWS.EC2.EBS.Encryption.Disabled',
        test: 'DisableEbsEncryptionByDefault Event',
        reason:
          'The test log has no eventTime: shardwatch cannot place it in event time, so the decoder dead-letters ' +
          'it (missing_field) instead of guessing a time.',
      },
    ],
  },
  runbook: 'https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html',
  remediation:
    'Turn it back on (`aws ec2 enable-ebs-encryption-by-default --region <region>`; EC2 console → Settings → EBS ' +
    'encryption → Manage) and set the default key to one of your own keys (`aws ec2 modify-ebs-default-kms-key-id ' +
    '--kms-key-id <your-key>`); find volumes created meanwhile (`aws ec2 describe-volumes --filters ' +
    'Name=encrypted,Values=false`) and re-encrypt them. Enforce with an SCP denying ec2:DisableEbsEncryptionByDefault.',
  actions: ['ec2:DisableEbsEncryptionByDefault', 'ec2:ModifyEbsDefaultKmsKeyId'],
  match: successOrDenied((event) => {
    const change = changeOf(event);
    if (change === null) return null;
    const who = actor(event);
    const region = event.region ?? 'an unknown region';
    return {
      key: `${event.account}:${event.region}`,
      severity: change.severity,
      title: `EBS default encryption in ${region}: ${change.what} by ${who}`,
      description: `${who} called ${event.action} in ${event.account ?? 'an unknown account'}/${region}: ${change.what}.`,
      resources: [
        {
          type: 'AWS::EC2::EBSEncryptionByDefault',
          id: `${event.account}/${event.region}`,
          account: event.account,
        },
      ],
      context: { change: change.what },
    };
  }),
});

function changeOf(event: SecurityEvent): { severity: Severity; what: string } | null {
  if (event.action === 'ec2:DisableEbsEncryptionByDefault') return { severity: 'medium', what: 'disabled' };
  const key =
    text(requestAnyCase(event, 'ModifyEbsDefaultKmsKeyIdRequest', 'KmsKeyId')) ??
    text(requestAnyCase(event, 'kmsKeyId'));
  const owner = key === null ? null : (/^arn:aws[\w-]*:kms:[^:]*:(\d{12}):/.exec(key)?.[1] ?? null);
  return owner !== null && owner !== event.account
    ? { severity: 'high', what: `default key set to ${key} of account ${owner}` }
    : null;
}

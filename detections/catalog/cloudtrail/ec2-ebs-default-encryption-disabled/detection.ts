import type { SecurityEvent } from '../../../../schemas/types.js';
import { requestAnyCase } from '../any-case.js';
import { type Change, changeMatch, regionalId } from '../change-match.js';
import { successOrDenied } from '../denied-attempts.js';
import { text } from '../record.js';
import { cloudTrailRule } from '../rule.js';

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
  match: successOrDenied((event) => changeMatch(event, changeOf(event))),
});

function changeOf(event: SecurityEvent): Change | null {
  const on = {
    subject: `EBS default encryption in ${event.region ?? 'an unknown region'}`,
    resource: { type: 'AWS::EC2::EBSEncryptionByDefault', id: regionalId(event) },
  };
  if (event.action === 'ec2:DisableEbsEncryptionByDefault')
    return { ...on, severity: 'medium', what: 'disabled' };
  const key =
    text(requestAnyCase(event, 'ModifyEbsDefaultKmsKeyIdRequest', 'KmsKeyId')) ??
    text(requestAnyCase(event, 'kmsKeyId'));
  const owner = key === null ? null : (/^arn:aws[\w-]*:kms:[^:]*:(\d{12}):/.exec(key)?.[1] ?? null);
  return owner !== null && owner !== event.account
    ? { ...on, severity: 'high', what: `default key set to ${key} of account ${owner}` }
    : null;
}

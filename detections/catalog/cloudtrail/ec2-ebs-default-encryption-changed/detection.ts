import { request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'ec2-ebs-default-encryption-changed',
  title: 'EBS default encryption disabled or pointed at an outside key',
  description:
    'EBS encryption by default was disabled in a region (medium: new volumes and snapshot copies may be created ' +
    'unencrypted), or its default KMS key was set to a key of another account (high: every new volume is ' +
    'encrypted with a key someone else controls, a ransomware lever). Existing volumes are unchanged. Keys of ' +
    '`trustedAccounts` are not reported.',
  severity: 'medium',
  mitre: ['T1486', 'T1565'],
  tactics: ['impact'],
  failedCalls: 'ignored',
  panther: {
    rules: ['AWS.EC2.EBS.Encryption.Disabled'],
    differences: [
      {
        rule: 'AWS.EC2.EBS.Encryption.Disabled',
        test: 'DisableEbsEncryptionByDefault Event',
        reason:
          'The test log has no eventTime: shardwatch cannot place it in event time and dead-letters it ' +
          '(missing_field) instead of guessing a time.',
      },
    ],
  },
  runbook: 'https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html',
  remediation:
    'Restore it in that region: `aws ec2 enable-ebs-encryption-by-default --region <region>` and `aws ec2 ' +
    'reset-ebs-default-kms-key-id --region <region>` (or `modify-ebs-default-kms-key-id` with your key; console: ' +
    'EC2 → Settings → Data protection and security). Check volumes created since, and enforce it with an SCP ' +
    'denying ec2:DisableEbsEncryptionByDefault.',
  settings: (read) => ({ trusted: read.accountIds('trustedAccounts', []) }),
  actions: ['ec2:DisableEbsEncryptionByDefault', 'ec2:ModifyEbsDefaultKmsKeyId'],
  match: (event, { trusted }) => {
    const region = event.region ?? 'an unknown region';
    const who = actor(event);
    if (event.action === 'ec2:DisableEbsEncryptionByDefault') {
      return {
        key: `${event.account}:${region}`,
        title: `EBS encryption by default disabled in ${region} by ${who}`,
        description: `${who} turned off EBS encryption by default in ${region}: new volumes may be unencrypted.`,
        resources: [{ type: 'AWS::::Account', id: event.account ?? 'unknown', account: event.account }],
      };
    }
    const key = text(request(event, 'kmsKeyId')) ?? '';
    const keyAccount = key.startsWith('arn:') ? key.split(':')[4] : undefined;
    if (!keyAccount || keyAccount === event.account || trusted.includes(keyAccount)) return null;
    return {
      key: `${event.account}:${region}`,
      title: `EBS default KMS key in ${region} set to a key of account ${keyAccount} by ${who}`,
      description: `${who} made ${key}, a key of account ${keyAccount}, the default for new EBS volumes in ${region}.`,
      severity: 'high',
      resources: [{ type: 'AWS::KMS::Key', id: key, account: keyAccount }],
      context: { kmsKey: key },
    };
  },
});

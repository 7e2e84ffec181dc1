import { request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'kms-key-material-imported',
  title: 'Key material imported into a KMS key',
  description:
    'ImportKeyMaterial loaded externally generated key material into a KMS key. Rare outside hold-your-own-key ' +
    'setups; attackers use it for ransomware: data encrypted under a key whose material they supplied — ' +
    'especially material set to expire (high) — becomes unrecoverable when the material lapses or is deleted.',
  severity: 'medium',
  mitre: ['T1486'],
  tactics: ['impact'],
  failedCalls: 'ignored',
  runbook: 'https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys.html',
  remediation:
    'Confirm the import with the key owner. If unexpected: stop using the key (`aws kms disable-key` after ' +
    'moving workloads to a key with AWS-generated material), re-encrypt data encrypted under it since the ' +
    'import, and restrict kms:ImportKeyMaterial and kms:CreateKey with Origin EXTERNAL through an SCP.',
  actions: ['kms:ImportKeyMaterial'],
  match: (event) => {
    const key = text(request(event, 'keyId')) ?? 'unknown';
    const expires = text(request(event, 'expirationModel')) === 'KEY_MATERIAL_EXPIRES';
    const validTo = text(request(event, 'validTo'));
    const who = actor(event);
    return {
      key: `${event.account}:${key}`,
      title: `Key material imported into KMS key ${key.split('/').at(-1)}${expires ? `, expiring ${validTo ?? 'at a set date'},` : ''} by ${who}`,
      description:
        `${who} imported external key material into KMS key ${key}` +
        (expires
          ? `; it expires ${validTo ?? 'at a set date'}, after which data encrypted under it cannot be read.`
          : '.'),
      severity: expires ? 'high' : 'medium',
      resources: [{ type: 'AWS::KMS::Key', id: key, account: event.account }],
      context: { expirationModel: text(request(event, 'expirationModel')) ?? '', validTo: validTo ?? '' },
    };
  },
});

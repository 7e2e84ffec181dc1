import { accountExposure, exposureMatch } from '../exposure.js';
import { request, text } from '../record.js';
import { cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'kms-grant-to-external-principal',
  title: 'KMS grant to a principal of another account',
  description:
    'CreateGrant gave a principal of another AWS account (as grantee or retiring principal) use of a KMS key. ' +
    'Grants do not show in the key policy, so they are a quiet way to let an outside account decrypt data or ' +
    'snapshots encrypted with the key. Accounts listed in `trustedAccounts` are not reported.',
  severity: 'high',
  mitre: ['T1098', 'T1537'],
  tactics: ['persistence', 'exfiltration'],
  failedCalls: 'ignored',
  runbook: 'https://docs.aws.amazon.com/kms/latest/developerguide/grants.html',
  remediation:
    'Revoke the grant unless expected: `aws kms list-grants --key-id <key>`, then `aws kms revoke-grant --key-id ' +
    '<key> --grant-id <id>`. Review what the key protects, and limit kms:CreateGrant in the key policy with ' +
    '`kms:GrantIsForAWSResource` or `kms:GranteePrincipal` conditions.',
  settings: (read) => ({ trusted: read.accountIds('trustedAccounts', []) }),
  actions: ['kms:CreateGrant'],
  match: (event, { trusted }) => {
    const key = text(request(event, 'keyId')) ?? 'unknown';
    const principals = [text(request(event, 'granteePrincipal')), text(request(event, 'retiringPrincipal'))];
    const exposure = accountExposure(
      principals.filter((principal) => principal !== null),
      event.account,
      trusted,
    );
    const found = exposureMatch(
      event,
      { label: `KMS key ${key.split('/').at(-1)}`, type: 'AWS::KMS::Key', id: key, through: 'grants' },
      { public: false, outside: exposure.outside },
    );
    if (found === null) return null;
    const operations = request(event, 'operations');
    return {
      ...found,
      context: { ...found.context, operations: Array.isArray(operations) ? operations.join(', ') : '' },
    };
  },
});

import { items, request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

/** `trustedAccounts`: accounts documents may be shared with (the organisation's own accounts). */
export const DEFAULT_PARAMS = { trustedAccounts: [] as string[] };

export const detection = cloudTrailRule({
  id: 'ssm-document-shared',
  title: 'SSM document shared publicly or with another account',
  description:
    'A Systems Manager document was shared (ModifyDocumentPermission) with every AWS account (`all`: public) ' +
    'or with an account outside the trusted list. Documents often embed scripts, bucket names, hostnames and ' +
    'sometimes credentials; a public document is readable by anyone, and a document shared into another ' +
    'account can be run there under that name.',
  severity: 'high',
  mitre: ['T1537', 'T1213'],
  tactics: ['exfiltration', 'collection'],
  failedCalls: 'ignored',
  runbook: 'https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-ssm-sharing.html',
  remediation:
    'If the sharing is not intended, remove it (`aws ssm modify-document-permission --name <doc> ' +
    '--permission-type Share --account-ids-to-remove all` or the account id; Systems Manager console → ' +
    'Documents → <doc> → Permissions), rotate anything the document contains, and turn on the account setting ' +
    'that blocks public sharing (`aws ssm update-service-setting --setting-id ' +
    '/ssm/documents/console/public-sharing-permission --setting-value Disable`).',
  actions: ['ssm:ModifyDocumentPermission'],
  settings: (read) => read.accountIds('trustedAccounts', DEFAULT_PARAMS.trustedAccounts),
  match: (event, trusted) => {
    const added = items(request(event, 'accountIdsToAdd')).flatMap((id) => text(id) ?? []);
    const isPublic = added.some((id) => id.toLowerCase() === 'all');
    const outside = added.filter(
      (id) => /^\d{12}$/.test(id) && id !== event.account && !trusted.includes(id),
    );
    if (!isPublic && outside.length === 0) return null;
    const name = text(request(event, 'name')) ?? 'unknown';
    const audience = isPublic ? 'every AWS account (public)' : `account(s) ${outside.join(', ')}`;
    const who = actor(event);
    return {
      key: `${event.account}:${name}:${isPublic ? 'all' : outside.join(',')}`,
      title: `SSM document ${name} shared with ${audience} by ${who}`,
      description: `${who} shared Systems Manager document ${name} with ${audience}: they can read and run it.`,
      severity: isPublic ? 'high' : 'medium',
      resources: [{ type: 'AWS::SSM::Document', id: name, account: event.account }],
      context: { documentName: name, accountIdsAdded: added.join(','), public: String(isPublic) },
    };
  },
});

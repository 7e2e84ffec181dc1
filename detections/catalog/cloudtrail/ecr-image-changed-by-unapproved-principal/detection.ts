import type { SecurityEvent } from '../../../../schemas/types.js';
import { globMatcher } from '../glob.js';
import { request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

const CHANGES: Record<string, string> = {
  'ecr:PutImage': 'pushed an image to',
  'ecr:BatchDeleteImage': 'deleted images from',
  'ecr:DeleteRepository': 'deleted',
  'ecr:PutImageTagMutability': 'changed tag mutability of',
};

export const detection = cloudTrailRule({
  id: 'ecr-image-changed-by-unapproved-principal',
  title: 'ECR images changed outside the build pipeline',
  description:
    'A container image was pushed or deleted, a repository deleted or its tags made mutable, by a principal ' +
    'outside `approvedPrincipals` (ARN globs of your CI roles, matched on the caller and its role) and ' +
    '`approvedAccounts`. A poisoned image pushed under a trusted tag runs wherever it is pulled (T1525). Without ' +
    'an approved list every change is logged at low severity; with one, changes by anyone else are medium.',
  severity: 'low',
  mitre: ['T1525'],
  tactics: ['persistence'],
  failedCalls: 'ignored',
  panther: {
    rules: ['AWS.ECR.CRUD'],
    differences: [
      {
        rule: 'AWS.ECR.CRUD',
        test: 'Authorized account',
        reason:
          "Panther's rule ships with a built-in allow-list holding the test's account; shardwatch's " +
          '`approvedAccounts` is empty by default, so the push is logged (low) until the account is approved in config.',
      },
    ],
  },
  runbook: 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html',
  remediation:
    'Confirm the change with the service owner. If unexpected: find the digest (`aws ecr describe-images ' +
    '--repository-name <repo>`), delete or re-tag the rogue image back to the last good digest, check what pulled ' +
    'it, make tags immutable (`aws ecr put-image-tag-mutability --image-tag-mutability IMMUTABLE`) and allow ' +
    'ecr:PutImage only to the CI role in the repository policy.',
  settings: (read) => {
    const principals = read.strings('approvedPrincipals', []);
    const accounts = read.accountIds('approvedAccounts', []);
    return { principals: principals.length > 0 ? globMatcher(principals) : null, accounts };
  },
  actions: Object.keys(CHANGES),
  match: (event, { principals, accounts }) => {
    const listed = principals !== null || accounts.length > 0;
    if (listed && isApproved(event, principals, accounts)) return null;
    if (
      event.action === 'ecr:PutImageTagMutability' &&
      text(request(event, 'imageTagMutability')) === 'IMMUTABLE'
    ) {
      return null;
    }
    const repository = text(request(event, 'repositoryName')) ?? 'unknown';
    const tag = text(request(event, 'imageTag'));
    const who = actor(event);
    return {
      key: `${event.account}:${repository}:${who}`,
      title: `${who} ${CHANGES[event.action] ?? 'changed'} ECR repository ${repository}${tag ? ` (tag ${tag})` : ''}`,
      description:
        `${who} ${CHANGES[event.action] ?? 'changed'} ECR repository ${repository} in ` +
        `${event.region ?? 'an unknown region'}${listed ? ', and is not an approved principal' : ''}.`,
      severity: listed ? 'medium' : 'low',
      resources: [{ type: 'AWS::ECR::Repository', id: repository, account: event.account }],
      ...(tag ? { context: { imageTag: tag } } : {}),
    };
  },
});

function isApproved(event: SecurityEvent, principals: RegExp | null, accounts: readonly string[]): boolean {
  const principal = event.principal;
  if (principal?.account && accounts.includes(principal.account)) return true;
  return (
    principals !== null &&
    [principal?.arn, principal?.sessionIssuer].some((arn) => arn != null && principals.test(arn))
  );
}

import { isAdminPolicyDocument } from '../admin-grant.js';
import { lastPathSegment } from '../instance-launch.js';
import { request, response, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'iam-policy-version-default-changed',
  title: 'IAM managed policy default version changed',
  description:
    'A new version of a customer managed policy was created and set as default, or the default was switched to ' +
    'another existing version. Everyone the policy is attached to gets the new rights at once, without any ' +
    'attach call: with iam:CreatePolicyVersion alone an attacker can rewrite a policy they hold into ' +
    '"Allow * on *". A new default allowing everything is high, other changes medium (SetDefaultPolicyVersion ' +
    'does not carry the document: check the version).',
  severity: 'high',
  mitre: ['T1098.003', 'T1548'],
  tactics: ['privilege-escalation', 'persistence'],
  failedCalls: 'ignored',
  runbook: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html',
  remediation:
    'Compare the new default version with the previous one (IAM console → Policies → <policy> → Policy versions). ' +
    'If the change is not approved: set the previous version as default (`aws iam set-default-policy-version ' +
    '--policy-arn <arn> --version-id <previous>`), delete the rogue version (`aws iam delete-policy-version`), and ' +
    'review who holds iam:CreatePolicyVersion.',
  actions: ['iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion'],
  match: (event) => {
    const created = event.action === 'iam:CreatePolicyVersion';
    const setAsDefault = request(event, 'setAsDefault');
    if (created && setAsDefault !== true && setAsDefault !== 'true') return null;
    const policyArn = text(request(event, 'policyArn')) ?? 'unknown';
    const version =
      text(request(event, 'versionId')) ??
      text(response(event, 'policyVersion', 'versionId')) ??
      'a new version';
    const admin = created && isAdminPolicyDocument(text(request(event, 'policyDocument')));
    const who = actor(event);
    const policy = lastPathSegment(policyArn);
    return {
      key: `${policyArn}:${version}`,
      title: `Policy ${policy} default version set to ${version}${admin ? ' allowing everything' : ''} by ${who}`,
      description:
        `${who} ${created ? 'created' : 'switched the default to'} version ${version} of ${policyArn}` +
        `${admin ? ', which allows every action on every resource' : ''}.`,
      severity: admin ? 'high' : 'medium',
      resources: [{ type: 'AWS::IAM::ManagedPolicy', id: policyArn, account: event.account }],
      context: { policyArn, versionId: version, allowsEverything: String(admin) },
    };
  },
});

import { isAwsServiceCall } from '../caller.js';
import { globMatcher } from '../glob.js';
import { request, text } from '../record.js';
import { actor, cloudTrailRule, sourceAddress } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'sts-assume-role-blocked-role',
  title: 'Reserved role assumed by a person',
  description:
    'A user or role session assumed a role the `blockedRoles` param reserves for automation or break-glass use ' +
    '(role ARN globs; none by default: list yours). Such roles are usually powerful and their use by a person ' +
    'means either an emergency or someone borrowing more power than they were given. Calls by AWS services on ' +
    'their own are left out.',
  severity: 'high',
  mitre: ['T1078.004', 'T1548'],
  tactics: ['privilege-escalation', 'lateral-movement'],
  failedCalls: 'ignored',
  panther: {
    rules: ['AWS.CloudTrail.IAMAssumeRoleBlacklistIgnored'],
    differences: [
      {
        rule: 'AWS.CloudTrail.IAMAssumeRoleBlacklistIgnored',
        test: 'IAM Blocklisted Role Assumed',
        reason:
          "Panther's configuration blocklists FullAdminRole; shardwatch blocks no role until the blockedRoles param " +
          'lists them (the fixture covers the configured case).',
      },
    ],
  },
  runbook: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-role-trust-policy.html',
  remediation:
    "Ask the person why they needed the role. If it was not an approved emergency: revoke the role's active " +
    'sessions (IAM console → Roles → <role> → Revoke active sessions) and narrow its trust policy to the ' +
    'automation or break-glass principals it is meant for (`aws iam update-assume-role-policy`).',
  actions: ['sts:AssumeRole'],
  settings: (read) => ({ blockedRoles: globMatcher(read.strings('blockedRoles', [])) }),
  match: (event, settings) => {
    const role = text(request(event, 'roleArn'));
    if (role === null || !settings.blockedRoles.test(role) || isAwsServiceCall(event)) return null;
    const who = actor(event);
    return {
      key: `${role}:${who}`,
      title: `Reserved role ${role} assumed by ${who}`,
      description: `${who} assumed ${role}, which the blockedRoles parameter reserves, from ${sourceAddress(event)}.`,
      resources: [{ type: 'AWS::IAM::Role', id: role, account: event.account }],
      context: { roleArn: role, roleSessionName: text(request(event, 'roleSessionName')) ?? '' },
    };
  },
});

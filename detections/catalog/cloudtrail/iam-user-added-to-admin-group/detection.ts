import { globMatcher } from '../glob.js';
import { request, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const DEFAULT_ADMIN_GROUPS = ['*admin*', '*Admin*', '*ADMIN*'];

export const detection = cloudTrailRule({
  id: 'iam-user-added-to-admin-group',
  title: 'IAM user added to an administrators group',
  description:
    'An IAM user was added to a group whose name matches the `adminGroups` param (default: names containing ' +
    '"admin"). Group membership grants the group\'s policies at once; adding a user one controls to the admins ' +
    'group is an escalation that no policy change shows. Groups are matched by name, since CloudTrail does not ' +
    'say what a group may do: list your administrator groups in the param.',
  severity: 'high',
  mitre: ['T1098', 'T1098.003'],
  tactics: ['privilege-escalation', 'persistence'],
  failedCalls: 'ignored',
  runbook: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups_manage_add-remove-users.html',
  remediation:
    'Confirm with the group owner. If not approved: remove the user (`aws iam remove-user-from-group ' +
    '--group-name <group> --user-name <user>`; IAM console → User groups → <group> → Users → Remove) and review ' +
    'what the user did since.',
  actions: ['iam:AddUserToGroup'],
  settings: (read) => ({ adminGroups: globMatcher(read.strings('adminGroups', DEFAULT_ADMIN_GROUPS)) }),
  match: (event, settings) => {
    const group = text(request(event, 'groupName'));
    if (group === null || !settings.adminGroups.test(group)) return null;
    const user = text(request(event, 'userName')) ?? 'unknown';
    const who = actor(event);
    return {
      key: `${event.account}:${group}:${user}`,
      title: `IAM user ${user} added to group ${group} by ${who}`,
      description: `${who} added ${user} to ${group}, an administrators group.`,
      resources: [
        { type: 'AWS::IAM::User', id: user, account: event.account },
        { type: 'AWS::IAM::Group', id: group, account: event.account },
      ],
      context: { groupName: group, userName: user },
    };
  },
});

import { learnCreateAccessKey } from './learn-access-keys.js';
import {
  learnAddRoleToInstanceProfile,
  learnCreateInstanceProfile,
  learnDeleteInstanceProfile,
  learnRemoveRoleFromInstanceProfile,
} from './learn-instance-profiles.js';
import {
  learnCreateTags,
  learnDeleteTags,
  learnRunInstances,
  learnTerminateInstances,
} from './learn-instances.js';
import {
  learnAttachRolePolicy,
  learnCreateRole,
  learnDeleteRole,
  learnDeleteRolePolicy,
  learnDetachRolePolicy,
  learnPutRolePolicy,
} from './learn-roles.js';
import {
  learnAuthorizeIngress,
  learnDeleteSecurityGroup,
  learnRevokeIngress,
} from './learn-security-groups.js';
import type { Learner } from './learner.js';

/** CloudTrail action → what the state cache learns from it. STATE_ROUTES is derived from these keys. */
export const LEARNERS: ReadonlyMap<string, Learner> = new Map<string, Learner>([
  ['ec2:RunInstances', learnRunInstances],
  ['ec2:TerminateInstances', learnTerminateInstances],
  ['ec2:CreateTags', learnCreateTags],
  ['ec2:DeleteTags', learnDeleteTags],
  ['ec2:AuthorizeSecurityGroupIngress', learnAuthorizeIngress],
  ['ec2:RevokeSecurityGroupIngress', learnRevokeIngress],
  ['ec2:DeleteSecurityGroup', learnDeleteSecurityGroup],
  ['iam:CreateRole', learnCreateRole],
  ['iam:DeleteRole', learnDeleteRole],
  ['iam:AttachRolePolicy', learnAttachRolePolicy],
  ['iam:DetachRolePolicy', learnDetachRolePolicy],
  ['iam:PutRolePolicy', learnPutRolePolicy],
  ['iam:DeleteRolePolicy', learnDeleteRolePolicy],
  ['iam:CreateInstanceProfile', learnCreateInstanceProfile],
  ['iam:DeleteInstanceProfile', learnDeleteInstanceProfile],
  ['iam:AddRoleToInstanceProfile', learnAddRoleToInstanceProfile],
  ['iam:RemoveRoleFromInstanceProfile', learnRemoveRoleFromInstanceProfile],
  ['iam:CreateAccessKey', learnCreateAccessKey],
]);

import { filter, map } from 'rxjs';
import { STATE_ROUTES, type StateCache } from '../../../../processor/state/index.js';
import type { Resource, SecurityEvent } from '../../../../schemas/types.js';
import type { Detection } from '../../../api.js';
import { buildFinding, principalLabel } from '../../../finding.js';
import { enrich } from '../../../operators/index.js';
import { paramReader } from '../../params.js';
import { globMatcher } from '../glob.js';
import { instanceProfileOf, lastPathSegment } from '../instance-launch.js';
import { at, items, request, response, succeeded, text } from '../record.js';

const ID = 'ec2-instance-admin-profile';

/** The calls that give an instance a profile. */
const ATTACH_ACTIONS = [
  'ec2:RunInstances',
  'ec2:AssociateIamInstanceProfile',
  'ec2:ReplaceIamInstanceProfileAssociation',
];

/**
 * What the state cache learns roles and instance profiles from (its IAM Role/InstanceProfile actions).
 * Routed here (and ignored by the operator) so that in the ingest/detect split they travel on the keyed
 * stream with the launches and meet them in one worker's cache.
 */
const ROLE_LEARNING_ACTIONS = STATE_ROUTES.flatMap((route) =>
  route.actions === '*' ? [] : route.actions,
).filter((action) => /^iam:\w*(Role|InstanceProfile)/.test(action));

export const DEFAULT_PARAMS = { adminProfiles: [] as string[] };

/** Why the profile counts as admin: its roles that the state cache knows to be admin, or a name match. */
interface AdminProfile {
  profile: string;
  roles: string[];
  adminRoles: string[];
  matchedByName: boolean;
}

export const detection: Detection = {
  id: ID,
  title: 'EC2 instance given an administrator instance profile',
  description:
    'An instance was launched with, or associated to, an instance profile whose role has administrator ' +
    'permissions. Anyone who can run code on the instance (an SSRF, a vulnerable app, a shell user) can read ' +
    'the role credentials from the instance metadata service and act as an administrator of the account.',
  severity: 'high',
  mitre: ['T1078.004', 'T1552.005'],
  tactics: ['privilege-escalation', 'credential-access'],
  failedCalls: 'ignored',
  runbook: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/iam-roles-for-amazon-ec2.html',
  remediation:
    'Give the instance a least-privilege role: `aws ec2 replace-iam-instance-profile-association ' +
    '--association-id <id> --iam-instance-profile Name=<scoped-profile>` (or EC2 console → Instance → Actions → ' +
    'Security → Modify IAM role); detach AdministratorAccess / the "*" inline policy from the role; require ' +
    'IMDSv2 (`aws ec2 modify-instance-metadata-options --http-tokens required`).',
  routes: [{ source: 'cloudtrail', actions: [...ATTACH_ACTIONS, ...ROLE_LEARNING_ACTIONS] }],
  stateful: {},
  readsState: true,
  operator: ({ state, params }) => {
    const adminNames = globMatcher(
      paramReader(ID, params).strings('adminProfiles', DEFAULT_PARAMS.adminProfiles),
    );
    return (events) =>
      events.pipe(
        filter((event) => ATTACH_ACTIONS.includes(event.action) && succeeded(event)),
        enrich((event) => adminProfileOf(event, state, adminNames)),
        map(({ item, enrichment }) => toFinding(item, enrichment)),
      );
  },
};

function adminProfileOf(
  event: SecurityEvent,
  state: StateCache,
  adminNames: RegExp,
): AdminProfile | undefined {
  const profile = instanceProfileOf(event);
  if (profile === null) return undefined;
  const roles = state.instanceProfileRoles(event.account, profile);
  const adminRoles = roles.filter((role) => state.role(event.account, role)?.admin === true);
  const matchedByName = [profile, lastPathSegment(profile), ...roles].some((name) => adminNames.test(name));
  return adminRoles.length > 0 || matchedByName ? { profile, roles, adminRoles, matchedByName } : undefined;
}

/** RunInstances lists instances in its response; the association calls name one instance. */
function instanceIdsOf(event: SecurityEvent): string[] {
  const launched = items(response(event, 'instancesSet')).flatMap(
    (item) => text(at(item, 'instanceId')) ?? [],
  );
  const associated =
    text(request(event, 'instanceId')) ??
    text(response(event, 'iamInstanceProfileAssociation', 'instanceId'));
  return associated === null ? launched : [associated];
}

function toFinding(event: SecurityEvent, admin: AdminProfile) {
  const instanceIds = instanceIdsOf(event);
  const profileName = lastPathSegment(admin.profile);
  const roles = admin.adminRoles.length > 0 ? admin.adminRoles : admin.roles;
  const instances = instanceIds.length > 0 ? instanceIds.join(', ') : 'an instance';
  const resources: Resource[] = [
    ...instanceIds.map((id) => ({ type: 'AWS::EC2::Instance', id, account: event.account })),
    { type: 'AWS::IAM::InstanceProfile', id: admin.profile, account: event.account },
    ...roles.map((role) => ({ type: 'AWS::IAM::Role', id: role, account: event.account })),
  ];
  return buildFinding(detection, {
    key: `${event.account}:${profileName}:${instanceIds.join(',')}`,
    trigger: event,
    title: `${instances} given admin instance profile ${profileName}${roles.length > 0 ? ` (role ${roles.join(', ')})` : ''}`,
    description:
      `${principalLabel(event) ?? 'An unknown principal'} attached instance profile ${profileName} to ${instances}; ` +
      (admin.adminRoles.length > 0
        ? `its role ${admin.adminRoles.join(', ')} has administrator permissions.`
        : 'its name matches the adminProfiles parameter.') +
      ' Code on the instance can use these credentials through the metadata service.',
    resources,
    context: {
      action: event.action,
      instanceIds: instanceIds.join(','),
      profile: admin.profile,
      roles: roles.join(','),
      reason: admin.adminRoles.length > 0 ? 'admin-role' : 'name-match',
      region: event.region ?? '',
    },
  });
}

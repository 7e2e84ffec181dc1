import { filter, map } from 'rxjs';
import type { SecurityEvent } from '../../../../schemas/types.js';
import type { Detection } from '../../../api.js';
import { buildFinding, principalLabel } from '../../../finding.js';
import { type ChainMatch, chain, hours, minutes } from '../../../operators/index.js';
import { allowsEverything } from '../../cloudtrail/policy-document.js';
import { request, succeeded, text } from '../../cloudtrail/record.js';
import { paramReader } from '../../params.js';
import { principalPartition } from '../principal.js';
import type { CorrelationShape } from '../shape.js';
import { story } from '../story.js';

const ID = 'iam-user-backdoor-chain';

/** `withinMinutes`: from the user's creation to the admin grant. `adminPolicies`: managed policies that give admin. */
export const DEFAULT_PARAMS = {
  withinMinutes: 60,
  adminPolicies: ['AdministratorAccess', 'IAMFullAccess'],
};

export const shape: CorrelationShape = {
  window: '3-step sequence within 60 min',
  key: 'actor + new user',
  partitionKey: 'actor (account/unique id)',
};

const CREATED = 'iam:CreateUser';
const CREDENTIALS = ['iam:CreateAccessKey', 'iam:CreateLoginProfile'];
const GRANTS = ['iam:AttachUserPolicy', 'iam:PutUserPolicy'];

/**
 * One principal creates an IAM user, gives it credentials (an access key or a console password), and makes it
 * an administrator, within an hour: the classic backdoor account. Each call alone is routine for an admin; the
 * three in a row by one principal for one new user is how persistence is set up.
 */
export const detection: Detection = {
  id: ID,
  title: 'Backdoor IAM user: created, given credentials and admin rights by one principal',
  description:
    'One principal created an IAM user, created an access key or a console password for it, and attached an ' +
    'administrator policy to it (AdministratorAccess, IAMFullAccess, or an inline policy allowing everything) ' +
    'within an hour. Attackers with IAM rights create such a user so that they keep access after the credentials ' +
    'they stole are revoked. Each step alone is routine; the sequence for one new user is not.',
  severity: 'high',
  mitre: ['T1136.003', 'T1098.001', 'T1098'],
  tactics: ['persistence', 'privilege-escalation'],
  failedCalls: 'ignored',
  runbook: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_users_manage.html#id_users_deleting',
  remediation:
    "Ask the acting principal whether the user was planned. If not: deactivate the new user's keys " +
    '(`aws iam update-access-key --user-name <user> --access-key-id <key> --status Inactive`), delete its login ' +
    'profile (`aws iam delete-login-profile --user-name <user>`), detach its policies, then delete it (IAM console ' +
    "→ Users → <user> → Delete); treat the acting principal's credentials as compromised and review what the new " +
    'user did (CloudTrail, filter on its user name).',
  routes: [{ source: 'cloudtrail', actions: [CREATED, ...CREDENTIALS, ...GRANTS] }],
  dedupPeriodMs: hours(24),
  stateful: { partitionKey: (event) => (succeeded(event) ? principalPartition(event) : null) },
  operator: ({ clock, params }) => {
    const read = paramReader(ID, params);
    const settings = {
      withinMinutes: read.positiveInteger('withinMinutes', DEFAULT_PARAMS.withinMinutes),
      adminPolicies: read.strings('adminPolicies', DEFAULT_PARAMS.adminPolicies),
    };
    const step = (matches: (event: SecurityEvent) => boolean) => (event: SecurityEvent) =>
      matches(event) ? chainKey(event) : null;
    return (events) =>
      events.pipe(
        filter(succeeded),
        chain({
          clock,
          steps: [
            step((event) => event.action === CREATED),
            step((event) => CREDENTIALS.includes(event.action)),
            step((event) => isAdminGrant(event, settings.adminPolicies)),
          ],
          within: minutes(settings.withinMinutes),
        }),
        map((match) => backdoorFinding(match, settings.withinMinutes)),
      );
  },
};

/** Who acted and on which user: the chain's key. The user is the request's (absent: the caller itself). */
function chainKey(event: SecurityEvent): string | null {
  const actorId = principalLabel(event);
  const user = text(request(event, 'userName')) ?? event.principal?.name ?? null;
  return actorId === null || user === null ? null : `${actorId}|${event.account ?? ''}|${user}`;
}

function isAdminGrant(event: SecurityEvent, adminPolicies: readonly string[]): boolean {
  if (event.action === 'iam:PutUserPolicy') return allowsEverything(request(event, 'policyDocument'));
  const policy = text(request(event, 'policyArn')) ?? '';
  return adminPolicies.some((name) => policy === name || policy.endsWith(`:policy/${name}`));
}

function backdoorFinding(match: ChainMatch<SecurityEvent>, withinMinutes: number) {
  const [created, credential, grant] = match.items as [SecurityEvent, SecurityEvent, SecurityEvent];
  const user = text(request(created, 'userName')) ?? 'unknown';
  const who = principalLabel(created) ?? 'an unknown principal';
  const told = story([
    { name: 'user created', events: [created] },
    {
      name: credential.action === 'iam:CreateAccessKey' ? 'access key created' : 'console password created',
      events: [credential],
    },
    { name: 'admin policy attached', events: [grant] },
  ]);
  const minutesTaken = Math.round((grant.time - created.time) / 60_000);
  return buildFinding(detection, {
    key: match.key,
    trigger: grant,
    events: told.events,
    // One occurrence of the sequence: the dedup roll-up then counts the occurrences.
    count: 1,
    title: `IAM user ${user} created, given credentials and admin rights by ${who} within ${minutesTaken} minutes`,
    description: `${told.summary}. A new user with its own credentials and administrator rights outlives the revocation of ${who}.`,
    resources: [
      {
        type: 'AWS::IAM::User',
        id: `arn:aws:iam::${created.account}:user/${user}`,
        account: created.account,
      },
    ],
    context: {
      ...told.context,
      userName: user,
      policy: text(request(grant, 'policyArn')) ?? text(request(grant, 'policyName')) ?? '',
      withinMinutes: String(withinMinutes),
    },
  });
}

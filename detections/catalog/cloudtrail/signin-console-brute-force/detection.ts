import { filter, map } from 'rxjs';
import type { SecurityEvent } from '../../../../schemas/types.js';
import type { Detection } from '../../../api.js';
import { buildFinding, principalLabel } from '../../../finding.js';
import { hours, minutes, sliding, threshold, type WindowMatch } from '../../../operators/index.js';
import { paramReader } from '../../params.js';
import { HIDDEN_USER_NAME, isFailedConsoleLogin } from '../failed-console-login.js';
import { freshItems } from '../fresh-items.js';

const ID = 'signin-console-brute-force';

/** `minFailures`: failed sign-ins for one user within the window that make a brute force. */
export const DEFAULT_PARAMS = { minFailures: 10, windowMinutes: 10 };

/**
 * At least `minFailures` failed console sign-ins for one user of one account within `windowMinutes`
 * (sliding by a minute; windows that only repeat reported failures are dropped, the rest merged by the hourly
 * dedup per user). Root is high, others medium.
 */
export const detection: Detection = {
  id: ID,
  title: 'Console password brute force against one user',
  description:
    'The same user failed to sign in to the AWS console many times within minutes: someone is guessing that ' +
    "user's password. If the user has no MFA, one right guess gives full console access. Failures for user " +
    'names that do not exist (logged as HIDDEN_DUE_TO_SECURITY_REASONS) cannot succeed and are ignored.',
  severity: 'medium',
  mitre: ['T1110.001', 'T1078.004'],
  tactics: ['credential-access'],
  failedCalls: 'counted',
  runbook: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_admin-change-user.html',
  remediation:
    'Ask the user whether they were locked out. If not: reset the password (IAM console > Users > <user> > ' +
    'Security credentials > Manage console access), require an MFA device for the user (Assign MFA device), ' +
    'block the source addresses in the context with an aws:SourceIp deny policy or at the network edge, and ' +
    'review CloudTrail for a successful ConsoleLogin of the user since the first failure. For root: enable root ' +
    'MFA and check the root email account.',
  routes: [{ source: 'cloudtrail', actions: ['signin:ConsoleLogin'] }],
  dedupPeriodMs: hours(1),
  stateful: {},
  operator: ({ clock, params }) => {
    const read = paramReader(ID, params);
    const settings = {
      minFailures: read.positiveInteger('minFailures', DEFAULT_PARAMS.minFailures),
      windowMinutes: read.positiveInteger('windowMinutes', DEFAULT_PARAMS.windowMinutes),
    };
    return (events) =>
      events.pipe(
        filter(isFailedConsoleLogin),
        threshold({
          clock,
          key: targetUser,
          window: sliding(minutes(settings.windowMinutes), minutes(1)),
          atLeast: settings.minFailures,
        }),
        freshItems(minutes(settings.windowMinutes)),
        map(({ match, fresh }) => bruteForceFinding(match, fresh, settings)),
      );
  },
};

/** `<account>/<user name>` of the sign-in's target, or null when the name is unknown or hidden. */
function targetUser(event: SecurityEvent): string | null {
  const name = event.principal?.name;
  if (!name || name === HIDDEN_USER_NAME) return null;
  return `${event.account ?? 'unknown'}/${name}`;
}

function bruteForceFinding(
  match: WindowMatch<SecurityEvent>,
  fresh: number,
  settings: typeof DEFAULT_PARAMS,
) {
  const trigger = match.items.at(-1)!;
  const user = trigger.principal?.name ?? match.key;
  const sourceIps = [...new Set(match.items.map((event) => event.srcIp ?? ''))].filter(Boolean).sort();
  const root = trigger.principal?.type === 'Root';
  return buildFinding(detection, {
    key: match.key,
    trigger,
    events: match.items,
    window: match.window,
    count: fresh,
    severity: root ? 'high' : 'medium',
    title: `${match.count} failed console sign-ins for ${root ? 'root' : `user ${user}`} in account ${trigger.account ?? 'unknown'} within ${settings.windowMinutes} minutes`,
    description:
      `Someone failed to sign in as ${user} ${match.count} times from ${sourceIps.join(', ') || 'unknown addresses'}. ` +
      'Confirm with the user, and check whether a later sign-in succeeded.',
    resources: [{ type: 'AWS::IAM::User', id: principalLabel(trigger) ?? user, account: trigger.account }],
    context: {
      user,
      failedSignIns: String(match.count),
      sourceIps: sourceIps.join(','),
      windowMinutes: String(settings.windowMinutes),
    },
  });
}

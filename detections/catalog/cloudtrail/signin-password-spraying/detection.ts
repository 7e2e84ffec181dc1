import { filter, map } from 'rxjs';
import type { SecurityEvent } from '../../../../schemas/types.js';
import type { Detection } from '../../../api.js';
import { buildFinding, MAX_EVIDENCE } from '../../../finding.js';
import { type DistinctMatch, distinctCount, hours, minutes, sliding } from '../../../operators/index.js';
import { paramReader } from '../../params.js';
import { HIDDEN_USER_NAME, isFailedConsoleLogin } from '../failed-console-login.js';
import { freshItems } from '../fresh-items.js';

const ID = 'signin-password-spraying';

/** `minUsers`: distinct user names that must fail from one address within the window. */
export const DEFAULT_PARAMS = { minUsers: 10, windowMinutes: 10 };

/**
 * Failed console sign-ins for at least `minUsers` distinct users from one source address within
 * `windowMinutes`. Windows slide by a minute, so a burst is caught wherever it starts; the overlapping
 * windows that repeat it are dropped (freshItems) and the rest merged by the hourly dedup per source address.
 */
export const detection: Detection = {
  id: ID,
  title: 'Console password spraying from one address',
  description:
    'One source address failed to sign in to the AWS console as many different users within minutes: a ' +
    'password-spraying attack, trying a few common passwords against every user it can name. One of them may ' +
    'have a weak password and no MFA. (Sign-ins to names that do not exist are all logged as ' +
    'HIDDEN_DUE_TO_SECURITY_REASONS and count as one user.)',
  severity: 'high',
  mitre: ['T1110.003', 'T1078.004'],
  tactics: ['credential-access'],
  failedCalls: 'counted',
  runbook: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html',
  remediation:
    'Block the source address (AWS WAF / network ACL, or an IAM policy condition on aws:SourceIp for console ' +
    'users), check CloudTrail for a successful ConsoleLogin from the same address (then treat that user as ' +
    'compromised: IAM console > Users > Security credentials > Manage console access > reset the password and ' +
    'deactivate access keys), enforce MFA for every console user, and tighten the account password policy ' +
    '(`aws iam update-account-password-policy --minimum-password-length 14 ...`).',
  routes: [{ source: 'cloudtrail', actions: ['signin:ConsoleLogin'] }],
  dedupPeriodMs: hours(1),
  stateful: { partitionKey: (event) => event.srcIp },
  operator: ({ clock, params }) => {
    const read = paramReader(ID, params);
    const settings = {
      minUsers: read.positiveInteger('minUsers', DEFAULT_PARAMS.minUsers),
      windowMinutes: read.positiveInteger('windowMinutes', DEFAULT_PARAMS.windowMinutes),
    };
    return (events) =>
      events.pipe(
        filter(isFailedConsoleLogin),
        distinctCount({
          clock,
          key: (event) => event.srcIp,
          distinct: (event) => event.principal?.name ?? null,
          window: sliding(minutes(settings.windowMinutes), minutes(1)),
          atLeast: settings.minUsers,
        }),
        freshItems(minutes(settings.windowMinutes)),
        map(({ match, fresh }) => sprayingFinding(match, fresh, settings)),
      );
  },
};

function sprayingFinding(
  match: DistinctMatch<SecurityEvent>,
  fresh: number,
  settings: typeof DEFAULT_PARAMS,
) {
  const accounts = [...new Set(match.items.map((event) => event.account ?? ''))].filter(Boolean).sort();
  const account = accounts.length === 1 ? accounts[0]! : null;
  return buildFinding(detection, {
    key: match.key,
    trigger: match.items.at(-1)!,
    events: match.items,
    window: match.window,
    count: fresh,
    title: `Password spraying from ${match.key}: ${match.values.length} users failed console sign-in within ${settings.windowMinutes} minutes`,
    description:
      `${match.key} failed ${match.count} console sign-ins as ${match.values.length} different users ` +
      `(${match.values.slice(0, 10).join(', ')}${match.values.length > 10 ? ', ...' : ''}). Check whether any ` +
      'sign-in from this address succeeded.',
    account,
    principal: null,
    resources: match.values
      .filter((name) => name !== HIDDEN_USER_NAME)
      .slice(0, MAX_EVIDENCE)
      .map((name) => ({ type: 'AWS::IAM::User', id: name, account })),
    context: {
      sourceIp: match.key,
      distinctUsers: String(match.values.length),
      users: match.values.slice(0, MAX_EVIDENCE).join(','),
      failedSignIns: String(match.count),
      accounts: accounts.join(','),
      windowMinutes: String(settings.windowMinutes),
    },
  });
}

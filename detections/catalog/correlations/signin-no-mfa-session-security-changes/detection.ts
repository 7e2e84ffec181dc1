import { filter, map } from 'rxjs';
import type { SecurityEvent } from '../../../../schemas/types.js';
import type { Detection } from '../../../api.js';
import { buildFinding, principalLabel } from '../../../finding.js';
import { minutes, type SequenceMatch, sequence } from '../../../operators/index.js';
import { field, response, succeeded, text } from '../../cloudtrail/record.js';
import { paramReader } from '../../params.js';
import { fromConsole, principalPartition } from '../principal.js';
import type { CorrelationShape } from '../shape.js';
import { story } from '../story.js';

const ID = 'signin-no-mfa-session-security-changes';

/** `withinMinutes`: from the sign-in to the change. */
export const DEFAULT_PARAMS = { withinMinutes: 30 };

export const shape: CorrelationShape = {
  window: '2-step sequence within 30 min',
  key: 'principal ARN (the console session)',
  partitionKey: 'principal (account/unique id)',
};

/** IAM and the services that watch the account: changes there from a password-only session matter most. */
const SECURITY_SERVICES = new Set([
  'iam',
  'organizations',
  'sso',
  'identitystore',
  'cloudtrail',
  'config',
  'guardduty',
  'securityhub',
  'access-analyzer',
  'macie2',
  'inspector2',
  'detective',
  'kms',
  'wafv2',
  'network-firewall',
]);

/**
 * A console sign-in without MFA, then changes to IAM or to security services from that console session within
 * 30 minutes. A password alone is what phishing and credential stuffing yield; what the session does next says
 * whether it was used to take over the account.
 */
export const detection: Detection = {
  id: ID,
  title: 'Console session without MFA changed IAM or security services',
  description:
    'An IAM user (or root) signed in to the console with a password only, and within 30 minutes the same console ' +
    'session changed IAM (users, keys, policies, roles) or a security service (CloudTrail, Config, GuardDuty, ' +
    'Security Hub, KMS, Organizations…). A stolen password is usually used exactly like this: sign in, then create ' +
    'a foothold or switch off what would notice. Refused changes count: the attempt is the signal.',
  severity: 'high',
  mitre: ['T1078.004', 'T1098', 'T1562.001'],
  tactics: ['persistence', 'defense-evasion', 'initial-access'],
  failedCalls: 'counted',
  runbook: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable_virtual.html',
  remediation:
    "Confirm with the user that the sign-in and the changes were theirs. If not: reset the user's password and " +
    'deactivate their access keys (`aws iam update-login-profile --user-name <user> --password-reset-required`, ' +
    '`aws iam update-access-key --status Inactive`), revert the changes listed in the finding, and require MFA ' +
    '(IAM console → Users → <user> → Security credentials → Assign MFA device; an IAM policy denying all but MFA ' +
    'setup when aws:MultiFactorAuthPresent is false).',
  routes: [{ source: 'cloudtrail', actions: '*', changesOnly: true }],
  dedupPeriodMs: minutes(30),
  stateful: {
    partitionKey: (event) =>
      isPasswordOnlyLogin(event) || isSecurityChange(event) ? principalPartition(event) : null,
  },
  operator: ({ clock, params }) => {
    const withinMinutes = paramReader(ID, params).positiveInteger(
      'withinMinutes',
      DEFAULT_PARAMS.withinMinutes,
    );
    return (events) =>
      events.pipe(
        sequence({
          clock,
          first: (event) => (isPasswordOnlyLogin(event) ? (event.principal?.arn ?? null) : null),
          // biome-ignore lint/suspicious/noThenProperty: the sequence contract names the pair first/then; never awaited
          then: (event) => (isSecurityChange(event) ? (event.principal?.arn ?? null) : null),
          within: minutes(withinMinutes),
        }),
        filter(sameSession),
        map(sessionFinding),
      );
  },
};

function isPasswordOnlyLogin(event: SecurityEvent): boolean {
  return (
    event.action === 'signin:ConsoleLogin' &&
    event.principal?.mfa === false &&
    text(response(event, 'ConsoleLogin')) === 'Success' &&
    (event.principal.type === 'IAMUser' || event.principal.type === 'Root')
  );
}

/** A change (not a read) to IAM or a security service, from a console session without MFA. */
function isSecurityChange(event: SecurityEvent): boolean {
  return (
    event.source === 'cloudtrail' &&
    event.readOnly === false &&
    event.action !== 'signin:ConsoleLogin' &&
    SECURITY_SERVICES.has(event.action.split(':')[0] ?? '') &&
    event.principal?.mfa === false &&
    fromConsole(event)
  );
}

/** The change's session started with this sign-in: its creation date is not before it (a minute of clock skew). */
function sameSession({ first, then }: SequenceMatch<SecurityEvent, SecurityEvent>): boolean {
  const created = Date.parse(
    text(field(then, 'userIdentity', 'sessionContext', 'attributes', 'creationDate')) ?? '',
  );
  return Number.isNaN(created) || created >= first.time - 60_000;
}

function sessionFinding({ key, first, then }: SequenceMatch<SecurityEvent, SecurityEvent>) {
  const told = story([
    { name: 'console sign-in without MFA', events: [first] },
    {
      name: succeeded(then) ? 'security change' : `security change refused (${then.errorCode})`,
      events: [then],
    },
  ]);
  const who = principalLabel(first) ?? key;
  return buildFinding(detection, {
    key,
    trigger: then,
    events: told.events,
    // One occurrence of the sequence: the dedup roll-up then counts the occurrences.
    count: 1,
    // Every change of one session rolls up into one finding.
    dedupKey: `${key}|${first.id}`,
    title: `${who} signed in without MFA and ${succeeded(then) ? 'called' : 'tried'} ${then.action} ${Math.round((then.time - first.time) / 60_000)} minutes later`,
    description: `${told.summary}. The session was opened with a password alone.`,
    context: { ...told.context, sourceIp: first.srcIp ?? '' },
  });
}

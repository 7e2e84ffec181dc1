import { filter, map } from 'rxjs';
import type { SecurityEvent } from '../../../../schemas/types.js';
import type { Detection } from '../../../api.js';
import { buildFinding, principalLabel } from '../../../finding.js';
import { hours, minutes, type SequenceMatch, sequence } from '../../../operators/index.js';
import { succeeded } from '../../cloudtrail/record.js';
import { paramReader } from '../../params.js';
import { isAwsServiceCall, principalPartition } from '../principal.js';
import type { CorrelationShape } from '../shape.js';
import { story } from '../story.js';

const ID = 'access-denied-then-succeeded';

/** `withinMinutes`: from the refusal to the success; `minMinutes`: less is IAM propagation or a retry. */
export const DEFAULT_PARAMS = { withinMinutes: 60, minMinutes: 2 };

export const shape: CorrelationShape = {
  window: '2-step sequence within 60 min (at least 2 min apart)',
  key: 'principal ARN + action',
  partitionKey: 'principal (account/unique id)',
};

/** Error codes AWS uses for "not allowed", across services. */
const DENIED = /AccessDenied|UnauthorizedOperation|Unauthorized|AuthorizationError|Forbidden/;

/**
 * A change AWS refused for a principal, then the same change succeeding for it minutes later: the principal
 * gained the permission in between. When nobody granted it on purpose, that is a privilege escalation that
 * worked (the attacker found another path to the right, then came back for the action they wanted).
 */
export const detection: Detection = {
  id: ID,
  title: 'Refused change succeeded later for the same principal',
  description:
    'A principal was refused a change (AccessDenied, UnauthorizedOperation…) and the same action then succeeded ' +
    'for it within an hour, at least 2 minutes later. Something gave the principal that permission in between: a ' +
    'planned policy change, or a privilege escalation that worked. Retries within 2 minutes (IAM propagation) and ' +
    'read-only calls are left out.',
  severity: 'medium',
  mitre: ['T1098', 'T1078.004'],
  tactics: ['privilege-escalation', 'discovery'],
  failedCalls: 'counted',
  runbook: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html',
  remediation:
    "Find what changed the principal's permissions between the two calls (CloudTrail: iam:Attach*/Put*/" +
    'CreatePolicyVersion/SetDefaultPolicyVersion/AddUserToGroup/UpdateAssumeRolePolicy on the principal, its groups ' +
    "or roles) and who made that change. If it was not a planned grant, revert it, revoke the principal's " +
    'sessions (IAM console → Roles → Revoke active sessions) or deactivate its keys, and undo the action that succeeded.',
  routes: [{ source: 'cloudtrail', actions: '*', changesOnly: true }],
  dedupPeriodMs: hours(1),
  stateful: { partitionKey: (event) => (isChange(event) ? principalPartition(event) : null) },
  operator: ({ clock, params }) => {
    const read = paramReader(ID, params);
    const settings = {
      withinMinutes: read.positiveInteger('withinMinutes', DEFAULT_PARAMS.withinMinutes),
      minMinutes: read.nonNegativeInteger('minMinutes', DEFAULT_PARAMS.minMinutes),
    };
    const key = (event: SecurityEvent) => `${principalLabel(event)}|${event.action}`;
    return (events) =>
      events.pipe(
        filter(isChange),
        sequence({
          clock,
          first: (event) => (isDenied(event) ? key(event) : null),
          // biome-ignore lint/suspicious/noThenProperty: the sequence contract names the pair first/then; never awaited
          then: (event) => (succeeded(event) ? key(event) : null),
          within: minutes(settings.withinMinutes),
        }),
        filter(({ first, then }) => then.time - first.time >= minutes(settings.minMinutes)),
        map(escalationFinding),
      );
  },
};

/** A call that changes something, by a principal (not AWS acting on its own). */
function isChange(event: SecurityEvent): boolean {
  return (
    event.source === 'cloudtrail' &&
    event.readOnly === false &&
    principalPartition(event) !== null &&
    !isAwsServiceCall(event) &&
    (succeeded(event) || isDenied(event))
  );
}

function isDenied(event: SecurityEvent): boolean {
  return event.errorCode !== null && DENIED.test(event.errorCode);
}

function escalationFinding({ key, first, then }: SequenceMatch<SecurityEvent, SecurityEvent>) {
  const told = story([
    { name: `refused (${first.errorCode})`, events: [first] },
    { name: 'succeeded', events: [then] },
  ]);
  const who = principalLabel(then) ?? 'an unknown principal';
  const gap = Math.round((then.time - first.time) / 60_000);
  return buildFinding(detection, {
    key,
    trigger: then,
    events: told.events,
    // One occurrence of the sequence: the dedup roll-up then counts the occurrences.
    count: 1,
    title: `${then.action} refused for ${who}, then allowed ${gap} minutes later`,
    description: `${told.summary}. ${who} gained the permission for ${then.action} in between.`,
    context: { ...told.context, errorCode: first.errorCode ?? '' },
  });
}

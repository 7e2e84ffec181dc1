import { filter, map, tap } from 'rxjs';
import type { SecurityEvent } from '../../../../schemas/types.js';
import type { Detection } from '../../../api.js';
import { buildFinding, principalLabel } from '../../../finding.js';
import { type DistinctMatch, distinctCount, hours, minutes, sliding } from '../../../operators/index.js';
import { byTimeThenId } from '../../../operators/item-order.js';
import { freshItems } from '../../cloudtrail/fresh-items.js';
import { paramReader } from '../../params.js';
import { type Heartbeat, heartbeats } from '../heartbeats.js';
import { fromConsole, isAwsServiceCall, principalPartition } from '../principal.js';
import type { CorrelationShape } from '../shape.js';
import { story } from '../story.js';

const ID = 'discovery-api-enumeration';

/** `minApis` distinct List/Describe/Get APIs across at least `minServices` services within `windowMinutes`. */
export const DEFAULT_PARAMS = { minApis: 20, minServices: 3, windowMinutes: 10 };

export const shape: CorrelationShape = {
  window: 'sliding 10 min (1-min slide); session first-seen time from the state cache',
  key: 'principal ARN (session)',
  partitionKey: 'principal (account/unique id)',
};

const READ_API = /:(List|Describe|Get)[A-Z]/;

/**
 * One principal calling many different read-only List/Describe/Get APIs across services within minutes from a
 * script: enumeration (Pacu, ScoutSuite, enumerate-iam, a stolen key being explored). High when the session
 * (its access key) was never seen before the burst: fresh credentials whose first act is to map the account.
 */
export const detection: Detection = {
  id: ID,
  title: 'API enumeration across services',
  description:
    'One principal called 20 or more different read-only List/Describe/Get APIs of at least 3 services within 10 ' +
    'minutes, from the API rather than the console. Mapping what exists is the first thing done with new ' +
    'credentials, by attackers and by their tools. High when the session (access key) was first seen within the ' +
    'burst while its user or role was known before: new credentials whose first act was the enumeration. ' +
    'Inventory and IaC tools do this too: allow-list their roles. Off by default: it needs every read call ' +
    'parsed (most of a trail), which the prefilter otherwise skips; enable it in the config.',
  severity: 'medium',
  mitre: ['T1580', 'T1526', 'T1087.004', 'T1619'],
  tactics: ['discovery'],
  failedCalls: 'counted',
  runbook:
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#rotating_access_keys_console',
  remediation:
    'Ask the owner of the principal whether a tool was run. If not: treat the credentials as stolen — deactivate ' +
    'the access key (`aws iam update-access-key --status Inactive`) or revoke the role sessions (IAM console → ' +
    'Roles → <role> → Revoke active sessions) — and review what the principal did after the enumeration. If it ' +
    'was an inventory or IaC tool, add its role to the allow list for this detection.',
  routes: [{ source: 'cloudtrail', actions: '*' }],
  enabledByDefault: false,
  dedupPeriodMs: hours(1),
  stateful: { partitionKey: (event) => (isEnumerationCall(event) ? principalPartition(event) : null) },
  operator: ({ clock, state, params }) => {
    const read = paramReader(ID, params);
    const settings = {
      minApis: read.positiveInteger('minApis', DEFAULT_PARAMS.minApis),
      minServices: read.positiveInteger('minServices', DEFAULT_PARAMS.minServices),
      windowMinutes: read.positiveInteger('windowMinutes', DEFAULT_PARAMS.windowMinutes),
    };
    return (events) =>
      events.pipe(
        filter(isEnumerationCall),
        // The session's first call, as a minimum: the same whatever the arrival order, once the window closes.
        // When the session and its principal were first seen, as minima: the same whatever the arrival order,
        // once the window closes.
        tap((event) => {
          if (event.time < clock.watermark) return;
          state.earliest(`${ID}:session`, sessionOf(event), event.time);
          state.earliest(`${ID}:principal`, identityOf(event), event.time);
        }),
        // What the finding tells (id, time, action, principal) without the record: bursts hold many calls.
        map((event): SecurityEvent => ({ ...event, raw: null })),
        // Windows slide by the minute, so they hold whole minutes: one item per principal, API and minute
        // (its earliest call, and how many) holds what a burst needs without keeping every call.
        heartbeats({
          clock,
          key: (event) => `${principalLabel(event)}\u0000${event.action}`,
          bucket: minutes(1),
        }),
        distinctCount({
          clock,
          key: (calls: Heartbeat) => principalLabel(calls.event),
          distinct: (calls) => calls.event.action,
          window: sliding(minutes(settings.windowMinutes), minutes(1)),
          atLeast: settings.minApis,
        }),
        filter((match) => servicesOf(match.values).length >= settings.minServices),
        freshItems(minutes(settings.windowMinutes)),
        map(({ match, fresh }) => {
          const first = (match.items[0] as Heartbeat).event;
          const session = sessionOf(first);
          // A new session of a principal seen before: a principal's first session is its baseline (start-up).
          const sessionSince = state.earliestOf(`${ID}:session`, session) ?? match.window.start;
          const principalSince = state.earliestOf(`${ID}:principal`, identityOf(first)) ?? match.window.start;
          const newSession = sessionSince >= match.window.start && principalSince < match.window.start;
          return enumerationFinding(match, fresh, session, newSession);
        }),
      );
  },
};

function isEnumerationCall(event: SecurityEvent): boolean {
  return (
    event.source === 'cloudtrail' &&
    event.readOnly === true &&
    READ_API.test(event.action) &&
    principalPartition(event) !== null &&
    !isAwsServiceCall(event) &&
    !fromConsole(event)
  );
}

/** Who the credentials belong to: the role behind a session, else the user (or root). */
function identityOf(event: SecurityEvent): string {
  return event.principal?.sessionIssuer ?? principalLabel(event) ?? '';
}

/** The credentials: the access key (a role session's changes with each assumption), else the principal. */
function sessionOf(event: SecurityEvent): string {
  return event.principal?.accessKeyId ?? principalLabel(event) ?? '';
}

function servicesOf(actions: readonly string[]): string[] {
  return [...new Set(actions.map((action) => action.split(':')[0] ?? ''))].sort();
}

function enumerationFinding(
  match: DistinctMatch<Heartbeat>,
  fresh: number,
  session: string,
  newSession: boolean,
) {
  const services = servicesOf(match.values);
  const events = match.items.map((item) => item.event);
  const firstOfEach = match.values.map(
    (action) => events.find((event) => event.action === action) as SecurityEvent,
  );
  const told = story([{ name: 'enumeration', events: firstOfEach }]);
  const trigger = events.reduce((latest, event) => (byTimeThenId(event, latest) > 0 ? event : latest));
  const calls = match.items.reduce((sum, item) => sum + item.count, 0);
  const who = principalLabel(trigger) ?? match.key;
  return buildFinding(detection, {
    key: match.key,
    trigger,
    events: told.events,
    window: match.window,
    // API-minutes not reported by an earlier window: each API called in a minute counts once.
    count: fresh,
    severity: newSession ? 'high' : 'medium',
    title: `${who} enumerated ${match.values.length} APIs of ${services.length} services${newSession ? ' with a session never seen before' : ''}`,
    description:
      `${who} called ${match.values.length} different List/Describe/Get APIs (${services.join(', ')}) between ` +
      `${new Date(match.window.start).toISOString()} and ${new Date(match.window.end).toISOString()}` +
      `${newSession ? `; its session ${session} was first seen in this burst` : ''}.`,
    context: {
      ...told.context,
      apis: match.values.join(','),
      services: services.join(','),
      calls: String(calls),
      session,
      newSession: String(newSession),
    },
  });
}

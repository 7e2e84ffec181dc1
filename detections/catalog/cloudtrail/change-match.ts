import type { SecurityEvent, Severity } from '../../../schemas/types.js';
import { actor, type RuleMatch } from './rule.js';

/** What one call changed (or tried to change), as the detections of configuration changes describe it. */
export interface Change {
  /** What the call did, for the title: `Macie paused`, `policy p-1 detached from ou-a1b2`. */
  what: string;
  /** Defaults to the detection's severity. */
  severity?: Severity;
  /** The resource changed; its id keys the finding within account and region. */
  resource: { type: string; id: string };
  /** Where the title starts, e.g. `Security Hub in us-east-1`; without it the title is `<what> by <who>`. */
  subject?: string;
  /** What the change means, appended to the description. */
  impact?: string;
  context?: Record<string, string>;
}

/**
 * The finding of a configuration change: `<subject>: <what> by <who>`, keyed by account, region and resource;
 * null when the call changed nothing a detection reports (so a match reads `changeMatch(event, changeOf(event))`).
 *
 *   changeMatch(event, { subject: 'Macie in us-east-1', what: 'Macie paused', resource: { type: 'AWS::Macie::Session', id } })
 */
export function changeMatch(event: SecurityEvent, change: Change | null): RuleMatch | null {
  if (change === null) return null;
  const who = actor(event);
  const prefix = change.subject === undefined ? '' : `${change.subject}: `;
  return {
    key: `${event.account}:${event.region}:${change.resource.id}`,
    ...(change.severity ? { severity: change.severity } : {}),
    title: `${prefix}${change.what} by ${who}`,
    description:
      `${who} called ${event.action} in ${event.region ?? 'an unknown region'}: ${change.what}.` +
      (change.impact === undefined ? '' : ` ${change.impact}`),
    resources: [{ ...change.resource, account: event.account }],
    context: { change: change.what, target: change.resource.id, ...change.context },
  };
}

/** `<account>/<region>`: the id of account-and-region-wide settings (a service enabled per region). */
export function regionalId(event: SecurityEvent): string {
  return `${event.account ?? 'unknown'}/${event.region ?? 'unknown'}`;
}

import { filter, map, mergeMap } from 'rxjs';
import type { Resource, SecurityEvent, Severity } from '../../../schemas/types.js';
import type { Detection, DetectionMeta } from '../../api.js';
import { buildFinding, principalLabel } from '../../finding.js';
import { type ParamReader, paramReader } from '../params.js';
import { field, succeeded, text } from './record.js';

/** What one CloudTrail event says, as a finding of a single-event detection. */
export interface RuleMatch {
  /** What the finding is about within the detection (account:resource...); dedup folds equal keys. */
  key: string;
  title: string;
  /** What happened, in a sentence or two, for the engineer reading the finding. */
  description: string;
  /** Defaults to the detection's severity. */
  severity?: Severity;
  /** Defaults to the resources the decoder found in the event. */
  resources?: Resource[];
  /** Detection-specific facts; the call's own (eventName, sourceIp, userAgent, region, errorCode) are added. */
  context?: Record<string, string>;
}

/** A single-event CloudTrail detection: its metadata, the actions it reads, and what makes an event a match. */
export interface CloudTrailRule<S> extends Omit<DetectionMeta, 'routes' | 'failedCalls'> {
  /** Normalised actions (`service:EventName`, no API version suffix); `'*'` with `rawContains` for every action. */
  actions: readonly string[] | '*';
  /** See DetectionMeta.failedCalls; `counted` findings of refused calls say so in their title. */
  failedCalls: 'counted' | 'ignored';
  /** See Route.rawContains. */
  rawContains?: readonly string[];
  /** Reads the detection's params once, when the operator is built (a bad value throws there). */
  settings?: (read: ParamReader) => S;
  /** The findings an event gives: null or [] when it is not a match, several when it changes several things. */
  match: (event: SecurityEvent, settings: S) => RuleMatch | readonly RuleMatch[] | null;
}

/**
 * Builds a single-event CloudTrail detection, so a catalog file holds only what makes the detection itself:
 * its metadata and `match`. Failed calls are dropped unless `failedCalls` is `counted`, and then the title
 * says the call was refused.
 *
 *   export const detection = cloudTrailRule({ id: 'kms-key-deletion', actions: ['kms:ScheduleKeyDeletion'],
 *     failedCalls: 'ignored', match: (event) => ({ key: ..., title: ..., description: ... }), ...meta });
 */
export function cloudTrailRule<S = undefined>(rule: CloudTrailRule<S>): Detection {
  const { actions, rawContains, settings, match, ...meta } = rule;
  const detection: Detection = {
    ...meta,
    routes: [{ source: 'cloudtrail', actions, ...(rawContains ? { rawContains } : {}) }],
    operator: ({ params }) => {
      const configured = (settings ? settings(paramReader(rule.id, params)) : undefined) as S;
      return (events) =>
        events.pipe(
          filter((event) => rule.failedCalls === 'counted' || succeeded(event)),
          // Most events match nothing: only a match pays for mergeMap's inner subscription.
          map((event) => ({ event, matches: matchesOf(match(event, configured)) })),
          filter(({ matches }) => matches.length > 0),
          mergeMap(({ event, matches }) => matches.map((one) => toFinding(detection, event, one))),
        );
    },
  };
  return detection;
}

const NO_MATCH: readonly RuleMatch[] = [];

function matchesOf(found: RuleMatch | readonly RuleMatch[] | null): readonly RuleMatch[] {
  if (found === null) return NO_MATCH;
  return isMatchList(found) ? found : [found];
}

function isMatchList(found: RuleMatch | readonly RuleMatch[]): found is readonly RuleMatch[] {
  return Array.isArray(found);
}

function toFinding(detection: Detection, event: SecurityEvent, match: RuleMatch) {
  const refused = !succeeded(event);
  return buildFinding(detection, {
    key: match.key,
    trigger: event,
    title: refused ? `${match.title} (refused: ${event.errorCode})` : match.title,
    description: refused
      ? `${match.description} AWS refused the call (${event.errorCode}): someone tried, and may try again with other credentials.`
      : match.description,
    ...(match.severity ? { severity: match.severity } : {}),
    ...(match.resources ? { resources: match.resources } : {}),
    context: { ...callContext(event), ...match.context },
  });
}

/** The call itself, as every CloudTrail finding reports it. */
export function callContext(event: SecurityEvent): Record<string, string> {
  const context: Record<string, string> = {
    eventName: text(field(event, 'eventName')) ?? event.action,
    sourceIp: text(field(event, 'sourceIPAddress')) ?? '',
    userAgent: event.userAgent ?? '',
    region: event.region ?? '',
  };
  if (!succeeded(event)) context.errorCode = event.errorCode ?? '';
  return context;
}

/**
 * Where the call came from, for titles: the source IP, else the raw sourceIPAddress (a service name, `AWS
 * Internal`, or an address the decoder could not read, such as octets with leading zeros).
 */
export function sourceAddress(event: SecurityEvent): string {
  return event.srcIp ?? text(field(event, 'sourceIPAddress')) ?? 'an unknown address';
}

/** Who made the call, for titles: the principal's ARN or name, or the AWS service that made it. */
export function actor(event: SecurityEvent): string {
  return principalLabel(event) ?? text(field(event, 'userIdentity', 'invokedBy')) ?? 'an unknown principal';
}

import { filter, map, mergeMap } from 'rxjs';
import type { SecurityEvent } from '../../../schemas/types.js';
import type { Detection, DetectionMeta } from '../../api.js';
import { buildFinding } from '../../finding.js';
import { distinctCount, hours, minutes, sliding } from '../../operators/index.js';
import { paramReader } from '../params.js';
import type { BurstFinding } from './burst.js';
import { freshItems } from './fresh-items.js';
import { succeeded } from './record.js';

/** One target (an instance...) reached by one call; a call naming several targets gives several. */
interface Reach {
  time: number;
  id: string;
  event: SecurityEvent;
  target: string;
}

/** A key (a principal) that reached at least `atLeast` distinct targets within one sliding window. */
export interface FanOut {
  key: string;
  /** The calls, in (time, id) order, each once. */
  events: SecurityEvent[];
  /** Distinct targets reached, sorted. */
  targets: string[];
  /** Calls of the window AWS refused (errorCode set). */
  refused: number;
  window: { start: number; end: number };
  atLeast: number;
  windowMinutes: number;
}

/**
 * A windowed CloudTrail detection of one key reaching many distinct targets: one principal pushing SSH keys
 * to, opening sessions on, or sending commands to many instances. Unlike `cloudTrailBurst`, one call may name
 * several targets (SendCommand's `instanceIds`), and each counts. `params.atLeast` / `params.windowMinutes`
 * override the defaults.
 */
export interface CloudTrailFanOut extends Omit<DetectionMeta, 'routes' | 'failedCalls' | 'stateful'> {
  actions: readonly string[];
  failedCalls: 'counted' | 'ignored';
  /** Groups calls (usually the principal); null skips the call. */
  key: (event: SecurityEvent) => string | null;
  /** The targets a call reaches; [] skips it. */
  targets: (event: SecurityEvent) => readonly string[];
  atLeast: number;
  windowMinutes: number;
  /** Default one hour: one finding per key and hour, rolled up with a count. */
  dedupPeriodMs?: number;
  finding: (fanOut: FanOut) => BurstFinding;
}

/**
 * Builds a fan-out detection on event-time sliding windows (one-minute slide); overlapping windows report
 * each (call, target) once, and the finding's count is the number of newly reached (call, target) pairs.
 *
 *   export const detection = cloudTrailFanOut({ id: 'ssm-session-multiple-instances', actions: ['ssm:StartSession'],
 *     key: principalLabel, targets: (e) => [sessionTarget(e)], atLeast: 3, windowMinutes: 60, finding: ..., ...meta });
 */
export function cloudTrailFanOut(spec: CloudTrailFanOut): Detection {
  const { actions, key, targets, atLeast, windowMinutes, finding, ...meta } = spec;
  const counts = (event: SecurityEvent) => spec.failedCalls === 'counted' || succeeded(event);
  const detection: Detection = {
    ...meta,
    dedupPeriodMs: spec.dedupPeriodMs ?? hours(1),
    routes: [{ source: 'cloudtrail', actions }],
    stateful: {
      partitionKey: (event) => (counts(event) && targets(event).length > 0 ? key(event) : null),
    },
    operator: ({ clock, params }) => {
      const read = paramReader(spec.id, params);
      const settings = {
        atLeast: read.positiveInteger('atLeast', atLeast),
        windowMinutes: read.positiveInteger('windowMinutes', windowMinutes),
      };
      return (events) =>
        events.pipe(
          filter(counts),
          mergeMap((event) =>
            [...new Set(targets(event))].map(
              (target): Reach => ({ time: event.time, id: `${event.id}#${target}`, event, target }),
            ),
          ),
          distinctCount({
            clock,
            key: (reach: Reach) => key(reach.event),
            distinct: (reach) => reach.target,
            window: sliding(minutes(settings.windowMinutes), minutes(1)),
            atLeast: settings.atLeast,
          }),
          freshItems(minutes(settings.windowMinutes)),
          map(({ match, fresh }) => {
            const calls = [...new Set(match.items.map((reach) => reach.event))];
            const fanOut: FanOut = {
              key: match.key,
              events: calls,
              targets: match.values,
              refused: calls.filter((event) => !succeeded(event)).length,
              window: match.window,
              ...settings,
            };
            const described = finding(fanOut);
            return buildFinding(detection, {
              key: match.key,
              trigger: calls.at(-1) as SecurityEvent,
              events: calls,
              window: match.window,
              count: fresh,
              title: described.title,
              description: described.description,
              ...(described.severity ? { severity: described.severity } : {}),
              ...(described.resources ? { resources: described.resources } : {}),
              context: {
                ...described.context,
                distinctTargets: String(match.values.length),
                calls: String(calls.length),
                refusedCalls: String(fanOut.refused),
                atLeast: String(settings.atLeast),
                windowMinutes: String(settings.windowMinutes),
              },
            });
          }),
        );
    },
  };
  return detection;
}

import { filter, map } from 'rxjs';
import type { Resource, SecurityEvent, Severity } from '../../../schemas/types.js';
import type { Detection, DetectionMeta } from '../../api.js';
import { buildFinding } from '../../finding.js';
import { hours, minutes, sliding, threshold } from '../../operators/index.js';
import { compareStrings } from '../../operators/item-order.js';
import { type ParamReader, paramReader } from '../params.js';
import { freshItems } from './fresh-items.js';
import { succeeded } from './record.js';

/** A burst that crossed the threshold: the events of one key in one sliding window. */
export interface Burst {
  key: string;
  events: SecurityEvent[];
  /** Distinct values counted (`distinct`), sorted; the events' ids otherwise. */
  values: string[];
  /** Events not reported by an earlier window of the key (the finding's count). */
  fresh: number;
  /** The threshold was reached; false when only events that count `alone` made the window a match. */
  reached: boolean;
  window: { start: number; end: number };
  /** The configured threshold and window, for titles. */
  atLeast: number;
  windowMinutes: number;
}

/** What a burst says, as a finding. */
export interface BurstFinding {
  title: string;
  description: string;
  severity?: Severity;
  resources?: Resource[];
  context?: Record<string, string>;
}

/**
 * A windowed CloudTrail detection: at least `atLeast` events (or distinct values) of one key within a
 * sliding window of `windowMinutes`, both overridable in config (`params.atLeast`, `params.windowMinutes`).
 */
export interface CloudTrailBurst extends Omit<DetectionMeta, 'routes' | 'failedCalls' | 'stateful'> {
  actions: readonly string[] | '*';
  failedCalls: 'counted' | 'ignored';
  rawContains?: readonly string[];
  /** Which events count, beyond action and failedCalls (e.g. only decrypted parameters). */
  include?: (event: SecurityEvent) => boolean;
  /** Groups events (principal, account, source address...); null skips the event. */
  key: (event: SecurityEvent) => string | null;
  /**
   * Count distinct values (secret ids, API names) instead of events: one value, or several when one call
   * names several (GetParameters); null or none skips the event (unless it counts `alone`).
   */
  distinct?: (event: SecurityEvent) => string | readonly string[] | null;
  /**
   * Events that make a finding on their own, before any threshold (a refused read of a secret is a probe).
   * Their windows are reported with `reached: false` and folded under their own dedup key (`<key>#alone`),
   * so a burst that follows in the same hour still shows as one.
   */
  alone?: (event: SecurityEvent) => boolean;
  atLeast: number;
  windowMinutes: number;
  /**
   * How far the window slides (default 1 minute). A longer slide keeps each event in fewer windows, for
   * bursts of frequent calls that come all at once (enumeration): any burst no longer than
   * windowMinutes − slideMinutes still falls whole into one window.
   */
  slideMinutes?: number;
  /**
   * Windows hold the events without their raw record (`raw: null`), so frequent calls cost little memory
   * while they wait in windows; `finding` then reads decoded fields, values and counts, not the record.
   */
  slim?: boolean;
  /** Default one hour: one finding per key and hour, rolled up with a count. */
  dedupPeriodMs?: number;
  finding: (burst: Burst) => BurstFinding;
}

/**
 * Builds a windowed burst detection on event-time sliding windows (one-minute slide). Overlapping windows
 * report each event once (freshItems), and the dedup period folds a long burst into one finding with a
 * count. Stateful: in the ingest/detect split its events are keyed by the burst's key.
 *
 *   export const detection = cloudTrailBurst({ id: 'secretsmanager-secret-read-burst', actions: [...],
 *     key: (e) => principalLabel(e), distinct: secretId, atLeast: 10, windowMinutes: 10, finding: ..., ...meta });
 */
export function cloudTrailBurst(spec: CloudTrailBurst): Detection {
  const {
    actions,
    rawContains,
    include,
    key,
    distinct,
    alone,
    atLeast,
    windowMinutes,
    slideMinutes,
    slim,
    finding,
    ...meta
  } = spec;
  const detection: Detection = {
    ...meta,
    dedupPeriodMs: spec.dedupPeriodMs ?? hours(1),
    routes: [{ source: 'cloudtrail', actions, ...(rawContains ? { rawContains } : {}) }],
    stateful: { partitionKey: (event) => (counts(event) ? windowKey(event) : null) },
    operator: ({ clock, params }) => {
      const settings = burstSettings(paramReader(spec.id, params), spec);
      const slide = Math.min(slideMinutes ?? 1, settings.windowMinutes);
      const window = sliding(minutes(settings.windowMinutes), minutes(slide));
      // Every window with an event is a candidate (atLeast 1): it matches by reaching the threshold, or by
      // holding an event that counts alone. What counts is worked out once per event, not once per window.
      const windowed = threshold<Counted>({ clock, key: (item) => item.key, window, atLeast: 1 });
      return (events) =>
        events.pipe(
          filter(counts),
          map(countedOf),
          filter((item): item is Counted & { key: string } => item.key !== null),
          windowed,
          map((match) => {
            const values = distinct ? unionOf(match.items) : match.items.map((item) => item.id);
            return { ...match, values, reached: values.length >= settings.atLeast };
          }),
          filter((match) => match.reached || match.items.some((item) => item.alone)),
          freshItems(minutes(settings.windowMinutes)),
          map(({ match, fresh }) => {
            const matched = match.items.map((item) => item.event);
            const burst: Burst = {
              key: match.key,
              events: matched,
              values: match.values,
              fresh,
              reached: match.reached,
              window: match.window,
              ...settings,
            };
            const described = finding(burst);
            return buildFinding(detection, {
              key: match.key,
              trigger: matched.at(-1) as SecurityEvent,
              events: matched,
              window: match.window,
              count: fresh,
              title: described.title,
              description: described.description,
              ...(described.severity ? { severity: described.severity } : {}),
              ...(described.resources ? { resources: described.resources } : {}),
              ...(match.reached ? {} : { dedupKey: `${match.key}#alone` }),
              context: {
                ...described.context,
                count: String(match.count),
                atLeast: String(settings.atLeast),
                windowMinutes: String(settings.windowMinutes),
              },
            });
          }),
        );
    },
  };
  /** The burst key of an event that can count: one with a distinct value, or one that counts alone. */
  function windowKey(event: SecurityEvent): string | null {
    return countedOf(event).key;
  }
  function countedOf(event: SecurityEvent): Counted {
    const values = distinct ? valuesOf(event, distinct) : [];
    const isAlone = alone?.(event) ?? false;
    return {
      id: event.id,
      time: event.time,
      key: !distinct || isAlone || values.length > 0 ? key(event) : null,
      values,
      alone: isAlone,
      event: slim ? { ...event, raw: null } : event,
    };
  }
  function counts(event: SecurityEvent): boolean {
    return (spec.failedCalls === 'counted' || succeeded(event)) && (include?.(event) ?? true);
  }
  return detection;
}

/**
 * Up to `max` values for a title or description, then `...`.
 *
 *   listed(['a', 'b', 'c'], 2) // 'a, b, ...'
 */
export function listed(values: readonly string[], max = 10): string {
  return values.slice(0, max).join(', ') + (values.length > max ? ', ...' : '');
}

/** How many of a burst's events AWS refused. */
export function refusedCount(burst: Burst): number {
  return burst.events.filter((event) => !succeeded(event)).length;
}

function valuesOf(
  event: SecurityEvent,
  distinct: NonNullable<CloudTrailBurst['distinct']>,
): readonly string[] {
  const value = distinct(event);
  return value === null ? [] : typeof value === 'string' ? [value] : value;
}

/** An event as a burst window holds it: what it counts for, worked out once. */
interface Counted {
  id: string;
  time: number;
  key: string | null;
  values: readonly string[];
  alone: boolean;
  event: SecurityEvent;
}

function unionOf(items: readonly Counted[]): string[] {
  const values = new Set<string>();
  for (const item of items) for (const value of item.values) values.add(value);
  return [...values].sort(compareStrings);
}

function burstSettings(read: ParamReader, spec: CloudTrailBurst) {
  return {
    atLeast: read.positiveInteger('atLeast', spec.atLeast),
    windowMinutes: read.positiveInteger('windowMinutes', spec.windowMinutes),
  };
}

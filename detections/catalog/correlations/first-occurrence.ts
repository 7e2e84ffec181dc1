import { mergeMap, type OperatorFunction } from 'rxjs';
import type { StateCache } from '../../../processor/state/index.js';
import type { SecurityEvent } from '../../../schemas/types.js';
import type { EventClock } from '../../api.js';
import { minutes, tumbling, windowBy } from '../../operators/index.js';

export interface FirstOccurrenceOptions {
  clock: EventClock;
  state: StateCache;
  /** Namespace of the facts in the state cache (one per detection). */
  kind: string;
  /** Whose facts they are (a principal, an account, an instance); null skips the event. */
  subject: (event: SecurityEvent) => string | null;
  /** What the event says about its subject that may be new (`country:DE`, `asn:3320`, a region). */
  facts: (event: SecurityEvent) => readonly string[];
}

/** An event that is the first of one or more of its subject's facts. */
export interface FirstOccurrence {
  event: SecurityEvent;
  subject: string;
  /** The facts this event is the first of. */
  newFacts: string[];
  /** When the subject was first seen, if before this event; null when this event is the subject's first (a baseline). */
  subjectSince: number | null;
}

/**
 * First-seen facts in event time. The state cache keeps the earliest time of each (subject, fact) and of each
 * subject (bounded, aged out after its TTL, snapshotted). An event that may be a fact's first (it was the
 * earliest when it came) waits in a one-minute window of its subject; when the watermark closes the window,
 * every earlier event has arrived, so which event is first does not depend on arrival order. Late events are
 * left out (what they would record depends on when they come).
 *
 *   logins.pipe(firstOccurrence({ clock, state, kind: 'login', subject: (e) => e.principal?.arn ?? null,
 *     facts: (e) => [`country:${countryOf(e)}`] }))
 */
export function firstOccurrence(
  options: FirstOccurrenceOptions,
): OperatorFunction<SecurityEvent, FirstOccurrence> {
  const { clock, state, kind, subject, facts } = options;
  const factKind = `${kind}:fact`;
  const subjectKind = `${kind}:subject`;
  const factId = (subjectId: string, fact: string) => `${subjectId}\u0000${fact}`;
  return (events) =>
    events.pipe(
      mergeMap((event) => {
        const subjectId = subject(event);
        if (subjectId === null || event.time < clock.watermark) return [];
        state.earliest(subjectKind, subjectId, event.time);
        let candidate = false;
        for (const fact of facts(event)) {
          const before = state.earliestOf(factKind, factId(subjectId, fact));
          state.earliest(factKind, factId(subjectId, fact), event.time);
          if (before === undefined || event.time <= before) candidate = true;
        }
        return candidate ? [event] : [];
      }),
      windowBy({ clock, key: subject, window: tumbling(minutes(1)) }),
      mergeMap((match) => {
        const told = new Set<string>();
        const found: FirstOccurrence[] = [];
        for (const event of match.items) {
          const newFacts = facts(event).filter(
            (fact) => !told.has(fact) && state.earliestOf(factKind, factId(match.key, fact)) === event.time,
          );
          for (const fact of newFacts) told.add(fact);
          if (newFacts.length === 0) continue;
          const since = state.earliestOf(subjectKind, match.key);
          found.push({
            event,
            subject: match.key,
            newFacts,
            subjectSince: since !== undefined && since < event.time ? since : null,
          });
        }
        return found;
      }),
    );
}

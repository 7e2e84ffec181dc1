/** Anything with an event time (epoch ms); SecurityEvent and Finding satisfy it. */
export interface Timed {
  time: number;
}

/**
 * How items are grouped in event time. Tumbling and sliding windows are aligned to the epoch;
 * a session grows while items of its key arrive less than `gap` apart.
 */
export type WindowSpec =
  | { kind: 'tumbling'; size: number }
  | { kind: 'sliding'; size: number; slide: number }
  | { kind: 'session'; gap: number; maxSize?: number };

export const seconds = (n: number): number => n * 1_000;
export const minutes = (n: number): number => n * 60_000;
export const hours = (n: number): number => n * 3_600_000;

/**
 * Back-to-back windows of `size` ms: [k·size, (k+1)·size).
 *
 *   threshold({ clock, key: (e) => e.account, window: tumbling(minutes(5)), atLeast: 3 })
 */
export function tumbling(size: number): WindowSpec {
  positive('size', size);
  return { kind: 'tumbling', size };
}

/**
 * Overlapping windows of `size` ms starting every `slide` ms; an item lands in every window that holds it.
 * `slide` may not exceed `size` (that would drop items between windows).
 *
 *   distinctCount({ clock, key, distinct, window: sliding(minutes(10), minutes(1)), atLeast: 10 })
 */
export function sliding(size: number, slide: number): WindowSpec {
  positive('size', size);
  positive('slide', slide);
  if (slide > size) throw new RangeError(`sliding window: slide (${slide}) must not exceed size (${size})`);
  return { kind: 'sliding', size, slide };
}

/**
 * Per-key sessions: items less than `gap` ms apart share a session, which ends at last item + gap.
 * `maxSize` caps the span between a session's first and last item.
 *
 *   windowBy({ clock, key: (e) => e.principal?.arn ?? null, window: session(minutes(30)) })
 */
export function session(gap: number, maxSize?: number): WindowSpec {
  positive('gap', gap);
  if (maxSize === undefined) return { kind: 'session', gap };
  positive('maxSize', maxSize);
  return { kind: 'session', gap, maxSize };
}

function positive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`window ${name} must be a positive number of ms`);
}

import type { SecurityEvent } from '../../schemas/types.js';
import { testEvent } from '../../test/events.js';
import type { Emission } from './testing.js';
import type { WindowMatch } from './window-by.js';
import { minutes } from './window-spec.js';

/** A test event `id` for key (account) `key` at minute `minute` after the epoch. */
export function at(
  id: string,
  key: string,
  minute: number,
  overrides: Partial<SecurityEvent> = {},
): SecurityEvent {
  return testEvent({ id, time: minutes(minute), account: key, ...overrides });
}

/** A window emission in minutes and ids, for compact expectations. */
export function windowSummary(emission: Emission<WindowMatch<SecurityEvent>>) {
  const { key, window, items, count } = emission.value;
  return {
    after: emission.after,
    key,
    window: [window.start / minutes(1), window.end / minutes(1)],
    ids: items.map((item) => item.id),
    count,
  };
}

/** The emissions without their timing: what must not depend on arrival order. */
export function withoutTiming<R>(emissions: readonly Emission<R>[]): R[] {
  return emissions.map((emission) => emission.value);
}

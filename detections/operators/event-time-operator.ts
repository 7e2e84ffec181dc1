import { Observable, type OperatorFunction } from 'rxjs';
import type { EventClock } from '../api.js';

/** What one subscription of an event-time operator does; state lives in the closure that builds it. */
export interface EventTimeHandlers<T, R> {
  /** An item arrived; `clock.watermark` still holds the watermark from before it. */
  item(item: T, emit: (result: R) => void): void;
  /** The watermark advanced to `watermark`: emit what became due. */
  advance(watermark: number, emit: (result: R) => void): void;
  /** The source completed: end of input is end of time, so emit everything still pending. */
  flush(emit: (result: R) => void): void;
  /** Drop all state (unsubscribe, error or completion). */
  release(): void;
}

/**
 * The shared mechanics of the event-time operators (like rxjs's `operate()`): subscribes to the source and
 * the clock's watermark, builds fresh state per subscription, turns a throwing handler into an error
 * notification, and releases the state on teardown. The source is subscribed first, so in a chain the
 * upstream operator advances first: what it emits for a watermark reaches `item` here before this
 * operator's own `advance` to that watermark.
 *
 *   const count = (clock: EventClock) =>
 *     eventTimeOperator<Event, number>(clock, () => { let n = 0; return { item: () => { n += 1 }, ... } });
 */
export function eventTimeOperator<T, R>(
  clock: EventClock,
  setup: () => EventTimeHandlers<T, R>,
): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((subscriber) => {
      const handlers = setup();
      const emit = (result: R): void => subscriber.next(result);
      const guarded = (run: () => void): void => {
        try {
          run();
        } catch (error) {
          handlers.release();
          subscriber.error(error);
        }
      };
      const subscription = source.subscribe({
        next: (item) => guarded(() => handlers.item(item, emit)),
        error: (error: unknown) => {
          handlers.release();
          subscriber.error(error);
        },
        complete: () =>
          guarded(() => {
            handlers.flush(emit);
            handlers.release();
            subscriber.complete();
          }),
      });
      if (!subscriber.closed) {
        subscription.add(
          clock.watermark$.subscribe((watermark) => guarded(() => handlers.advance(watermark, emit))),
        );
      }
      subscription.add(() => handlers.release());
      return subscription;
    });
}

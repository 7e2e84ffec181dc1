import type { OperatorFunction } from 'rxjs';
import type { SecurityEvent } from '../../../schemas/types.js';
import type { EventClock } from '../../api.js';
import { eventTimeOperator } from '../../operators/event-time-operator.js';
import { EventTimeQueue } from '../../operators/event-time-queue.js';
import { byTimeThenId } from '../../operators/item-order.js';

/** A key was alive during one bucket; `event` is the bucket's earliest (time, id) event so far. */
export interface Heartbeat {
  id: string;
  key: string;
  /** Start of the bucket. */
  time: number;
  event: SecurityEvent;
  /** Events of the key in the bucket so far. */
  count: number;
}

export interface HeartbeatOptions {
  clock: EventClock;
  key: (event: SecurityEvent) => string | null;
  /** Bucket size in ms. */
  bucket: number;
}

/**
 * One heartbeat per key and bucket, emitted with the bucket's first event to arrive: thins a high-volume
 * stream to what a detection needs — `absence` keeps a few heartbeats per interface instead of every flow
 * record; minute-aligned sliding windows keep one item per principal, API and minute instead of every call. A heartbeat's `event` becomes the bucket's earliest (time, id)
 * event as more arrive, so evidence does not depend on arrival order. Late events are dropped.
 *
 *   flows.pipe(heartbeats({ clock, key: (e) => e.flow?.interfaceId ?? null, bucket: minutes(1) }), absence(…))
 */
export function heartbeats(options: HeartbeatOptions): OperatorFunction<SecurityEvent, Heartbeat> {
  const { clock, key, bucket } = options;
  return eventTimeOperator<SecurityEvent, Heartbeat>(clock, () => {
    const open = new Map<string, Heartbeat>();
    const closing = new EventTimeQueue<Heartbeat>((a, b) => a.time - b.time);
    return {
      item(event, emit) {
        const heartbeatKey = key(event);
        if (heartbeatKey === null || event.time < clock.watermark) return;
        const start = Math.floor(event.time / bucket) * bucket;
        const id = `${heartbeatKey}@${start}`;
        const known = open.get(id);
        if (known) {
          known.count += 1;
          if (byTimeThenId(event, known.event) < 0) known.event = event;
          return;
        }
        const heartbeat = { id, key: heartbeatKey, time: start, event, count: 1 };
        open.set(id, heartbeat);
        closing.push(heartbeat);
        emit(heartbeat);
      },
      advance(watermark) {
        // Events of a bucket that ended behind the watermark are late: its heartbeat is final.
        for (const heartbeat of closing.popWhile((h) => h.time + bucket <= watermark))
          open.delete(heartbeat.id);
      },
      flush() {},
      release() {
        open.clear();
        closing.clear();
      },
    };
  });
}

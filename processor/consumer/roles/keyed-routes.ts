import type { Detection } from '../../../detections/api.js';
import type { EventSource, SecurityEvent } from '../../../schemas/types.js';
import { Router } from '../../pipeline/router.js';
import { STATE_ROUTES } from '../../state/index.js';
import { normalisePartitionKey, partitionKeyOf } from './partition-key.js';

/** A route target: a stateful detection (its key decides the partition), or the state cache (the account). */
type KeyedTarget = Detection | 'state';

/**
 * Which events the ingest role publishes to the keyed stream, and under which partition keys: those a stateful
 * detection routes on (under that detection's key) and those the state cache learns from (under the account),
 * so the detect side's state sees them. An event is published once per distinct key.
 *
 *   const routes = new KeyedRoutes(detections.filter((d) => d.stateful));
 *   if (routes.wants(event.source, event.action)) for (const key of routes.keysOf(event)) put(key, event);
 */
export class KeyedRoutes {
  private readonly router: Router<KeyedTarget>;

  constructor(statefulDetections: readonly Detection[]) {
    this.router = new Router<KeyedTarget>([
      ...statefulDetections.map((detection) => ({ routes: detection.routes, target: detection })),
      { routes: STATE_ROUTES, target: 'state' as const },
    ]);
  }

  wants(source: EventSource, action: string): boolean {
    return this.router.wants(source, action);
  }

  /** The distinct partition keys the event is published under, sorted; [] when nobody wants it. */
  keysOf(event: SecurityEvent): string[] {
    const keys = new Set<string>();
    for (const target of this.router.targets(event.source, event.action)) {
      const key = target === 'state' ? normalisePartitionKey(event.account) : partitionKeyOf(target, event);
      if (key !== null) keys.add(key);
    }
    return [...keys].sort();
  }
}

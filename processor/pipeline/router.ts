import type { Route } from '../../detections/api.js';
import type { EventSource } from '../../schemas/types.js';

interface SourceIndex<T> {
  everyAction: T[];
  byAction: Map<string, T[]>;
}

/**
 * Index from (source, action) to the targets that declared a route for it, so dispatching an event
 * costs one map lookup, not one filter per detection. Lookups are memoised per (source, action).
 *
 *   const router = new Router([{ routes: [{ source: 'cloudtrail', actions: ['ec2:RunInstances'] }], target: d }]);
 *   router.targets('cloudtrail', 'ec2:RunInstances'); // [d]
 */
export class Router<T> {
  private readonly index = new Map<EventSource, SourceIndex<T>>();
  /** Memo per source, then action: no key string is built per event. */
  private readonly resolved = new Map<EventSource, Map<string, readonly T[]>>();

  constructor(entries: Iterable<{ routes: readonly Route[]; target: T }>) {
    for (const { routes, target } of entries) {
      for (const route of routes) this.add(route, target);
    }
  }

  targets(source: EventSource, action: string): readonly T[] {
    const sourceIndex = this.index.get(source);
    if (sourceIndex === undefined) return NONE;
    let memo = this.resolved.get(source);
    if (memo === undefined) {
      memo = new Map();
      this.resolved.set(source, memo);
    }
    let targets = memo.get(action);
    if (targets === undefined) {
      targets = unique([...sourceIndex.everyAction, ...(sourceIndex.byAction.get(action) ?? [])]);
      memo.set(action, targets);
    }
    return targets;
  }

  wants(source: EventSource, action: string): boolean {
    return this.targets(source, action).length > 0;
  }

  private add(route: Route, target: T): void {
    let sourceIndex = this.index.get(route.source);
    if (!sourceIndex) {
      sourceIndex = { everyAction: [], byAction: new Map() };
      this.index.set(route.source, sourceIndex);
    }
    if (route.actions === '*') {
      sourceIndex.everyAction.push(target);
      return;
    }
    for (const action of route.actions) {
      const list = sourceIndex.byAction.get(action) ?? [];
      list.push(target);
      sourceIndex.byAction.set(action, list);
    }
  }
}

const NONE: readonly never[] = [];

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

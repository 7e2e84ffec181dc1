import type { Route } from '../../detections/api.js';
import type { EventSource } from '../../schemas/types.js';

/** Targets by action: exact names, `service:*` patterns by service, `*:Name` patterns by name. */
interface ActionIndex<T> {
  byAction: Map<string, T[]>;
  byService: Map<string, T[]>;
  byName: Map<string, T[]>;
}

interface SourceIndex<T> {
  everyAction: T[];
  exact: ActionIndex<T>;
  /** Routes declared `ignoreCase`, keyed in lower case. */
  folded: ActionIndex<T>;
}

/**
 * Index from (source, action) to the targets that declared a route for it, so dispatching an event
 * costs one map lookup, not one filter per detection. Lookups are memoised per (source, action).
 * A route's action may be `service:*` (every action of a service) or `*:Name` (that name in any service),
 * and a route may ignore case (Sigma compares values case-insensitively).
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
      targets = unique([
        ...sourceIndex.everyAction,
        ...lookup(sourceIndex.exact, action),
        ...lookup(sourceIndex.folded, action.toLowerCase()),
      ]);
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
      sourceIndex = { everyAction: [], exact: actionIndex(), folded: actionIndex() };
      this.index.set(route.source, sourceIndex);
    }
    if (route.actions === '*') {
      sourceIndex.everyAction.push(target);
      return;
    }
    const actions = route.ignoreCase ? sourceIndex.folded : sourceIndex.exact;
    for (const declared of route.actions) {
      const action = route.ignoreCase ? declared.toLowerCase() : declared;
      if (action.endsWith(':*')) push(actions.byService, action.slice(0, -2), target);
      else if (action.startsWith('*:')) push(actions.byName, action.slice(2), target);
      else push(actions.byAction, action, target);
    }
  }
}

function actionIndex<T>(): ActionIndex<T> {
  return { byAction: new Map(), byService: new Map(), byName: new Map() };
}

function lookup<T>(index: ActionIndex<T>, action: string): T[] {
  const found = [...(index.byAction.get(action) ?? [])];
  const colon = action.indexOf(':');
  if (colon >= 0) {
    found.push(...(index.byService.get(action.slice(0, colon)) ?? []));
    found.push(...(index.byName.get(action.slice(colon + 1)) ?? []));
  }
  return found;
}

function push<T>(map: Map<string, T[]>, key: string, target: T): void {
  const list = map.get(key) ?? [];
  list.push(target);
  map.set(key, list);
}

const NONE: readonly never[] = [];

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

import type { Route } from '../../detections/api.js';
import type { EventSource } from '../../schemas/types.js';
import { Router } from '../pipeline/router.js';

/**
 * What a record's raw text must show to be needed when not every record of its action is: one of `needles`,
 * or, with `changes`, not being marked read-only.
 */
export interface RawNeed {
  needles: readonly string[];
  changes: boolean;
}

/** What the routes need of one source and action: nothing, every record, or records showing a RawNeed. */
type Need = boolean | RawNeed;

/**
 * Invalid `rawContains` needle: a needle is matched on raw text without unescaping, so it must be plain
 * text (no backslash, no control character) and not empty.
 */
export class NeedleError extends Error {
  override readonly name = 'NeedleError';
  constructor(readonly needle: string) {
    super(
      `rawContains needle ${JSON.stringify(needle)} must be non-empty plain text (no \\ or control characters)`,
    );
  }
}

/**
 * What the detections and the state cache need of the input, by source and action, so decoders can skip the
 * rest before parsing it. `wants`: some route covers the action (patterns and case as the router matches
 * them). `rawNeed`: every route covering it declared `rawContains` or `changesOnly`, so a record is needed only
 * if its raw text contains one of their strings or, for `changesOnly`, is not marked read-only (null: every
 * record is needed). Built from plain routes, so a decode worker thread rebuilds the same filter from the
 * same list.
 *
 *   const filter = new RecordFilter([{ source: 'cloudtrail', actions: '*', rawContains: ['Root'] }]);
 *   filter.wants('cloudtrail', 'ec2:DescribeInstances');   // true
 *   filter.rawNeed('cloudtrail', 'ec2:DescribeInstances'); // { needles: ['Root'], changes: false }
 */
export class RecordFilter {
  private readonly router: Router<Route>;
  /** Memo per source, then action: no string is built per lookup. */
  private readonly resolved = new Map<EventSource, Map<string, Need>>();

  constructor(readonly routes: readonly Route[]) {
    for (const route of routes) {
      for (const needle of route.rawContains ?? []) {
        if (!isPlainNeedle(needle)) throw new NeedleError(needle);
      }
    }
    this.router = new Router(routes.map((route) => ({ routes: [route], target: route })));
  }

  /** Whether some route covers the action (`'*'`: whether some route covers every action). */
  wants(source: EventSource, action: string): boolean {
    return this.need(source, action) !== false;
  }

  /**
   * What a record's raw text must show to be needed, when every route covering its action narrowed it; null
   * when every record of the action is needed, or none is (see `wants`).
   */
  rawNeed(source: EventSource, action: string): RawNeed | null {
    const need = this.need(source, action);
    return typeof need === 'boolean' ? null : need;
  }

  private need(source: EventSource, action: string): Need {
    let memo = this.resolved.get(source);
    if (memo === undefined) {
      memo = new Map();
      this.resolved.set(source, memo);
    }
    let need = memo.get(action);
    if (need === undefined) {
      need = resolve(this.router.targets(source, action));
      memo.set(action, need);
    }
    return need;
  }
}

function resolve(covering: readonly Route[]): Need {
  if (covering.length === 0) return false;
  const needles = new Set<string>();
  let changes = false;
  for (const route of covering) {
    if (route.rawContains !== undefined) for (const needle of route.rawContains) needles.add(needle);
    else if (route.changesOnly === true) changes = true;
    else return true;
  }
  return { needles: [...needles], changes };
}

function isPlainNeedle(needle: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
  return needle.length > 0 && !/[\\\u0000-\u001f]/.test(needle);
}

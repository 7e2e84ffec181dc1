import type { Route } from '../../detections/api.js';
import type { EventSource } from '../../schemas/types.js';

/** What the routes need of one source and action: nothing, every record, or records containing a needle. */
type Need = boolean | readonly string[];

interface SourceRoutes {
  everyAction: Route[];
  byAction: Map<string, Route[]>;
}

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
 * rest before parsing it. `wants`: some route covers the action. `needles`: every route covering it declared
 * `rawContains`, so a record is needed only if its raw text contains one of their strings (null: every record
 * is needed). Built from plain routes, so a decode worker thread rebuilds the same filter from the same list.
 *
 *   const filter = new RecordFilter([{ source: 'cloudtrail', actions: '*', rawContains: ['Root'] }]);
 *   filter.wants('cloudtrail', 'ec2:DescribeInstances');   // true
 *   filter.needles('cloudtrail', 'ec2:DescribeInstances'); // ['Root']
 */
export class RecordFilter {
  private readonly index = new Map<EventSource, SourceRoutes>();
  /** Memo per source, then action: no string is built per lookup. */
  private readonly resolved = new Map<EventSource, Map<string, Need>>();

  constructor(readonly routes: readonly Route[]) {
    for (const route of routes) {
      for (const needle of route.rawContains ?? []) {
        if (!isPlainNeedle(needle)) throw new NeedleError(needle);
      }
      let sourceRoutes = this.index.get(route.source);
      if (!sourceRoutes) {
        sourceRoutes = { everyAction: [], byAction: new Map() };
        this.index.set(route.source, sourceRoutes);
        this.resolved.set(route.source, new Map());
      }
      if (route.actions === '*') {
        sourceRoutes.everyAction.push(route);
        continue;
      }
      for (const action of route.actions) {
        const list = sourceRoutes.byAction.get(action) ?? [];
        list.push(route);
        sourceRoutes.byAction.set(action, list);
      }
    }
  }

  /** Whether some route covers the action (`'*'`: whether some route covers every action). */
  wants(source: EventSource, action: string): boolean {
    return this.need(source, action) !== false;
  }

  /**
   * The strings one of which a record's raw text must contain to be needed, when every route covering its
   * action declared some; null when every record of the action is needed, or none is (see `wants`).
   */
  needles(source: EventSource, action: string): readonly string[] | null {
    const need = this.need(source, action);
    return typeof need === 'boolean' ? null : need;
  }

  private need(source: EventSource, action: string): Need {
    const memo = this.resolved.get(source);
    if (memo === undefined) return false;
    let need = memo.get(action);
    if (need === undefined) {
      need = this.resolve(this.index.get(source) as SourceRoutes, action);
      memo.set(action, need);
    }
    return need;
  }

  private resolve(sourceRoutes: SourceRoutes, action: string): Need {
    const covering = [...sourceRoutes.everyAction, ...(sourceRoutes.byAction.get(action) ?? [])];
    if (covering.length === 0) return false;
    const needles = new Set<string>();
    for (const route of covering) {
      if (route.rawContains === undefined) return true;
      for (const needle of route.rawContains) needles.add(needle);
    }
    return [...needles];
  }
}

function isPlainNeedle(needle: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
  return needle.length > 0 && !/[\\\u0000-\u001f]/.test(needle);
}

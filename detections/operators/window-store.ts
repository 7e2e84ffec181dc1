import type { FindingWindow } from '../../schemas/types.js';
import { EventTimeQueue } from './event-time-queue.js';
import { compareStrings } from './item-order.js';
import type { Timed, WindowSpec } from './window-spec.js';

/** One key's open window and the items in it, in arrival order. */
export interface OpenWindow<T> extends FindingWindow {
  key: string;
  items: T[];
}

/** The open windows of all keys of one operator subscription. */
export interface WindowStore<T> {
  /** Puts the item in each of its key's windows that has not fired; false when none is left (the item is late). */
  add(key: string, item: T, watermark: number): boolean;
  /**
   * Removes the windows whose end ≤ watermark and returns those holding at least `minItems` items (the
   * store's option), ordered by (end, start, key).
   */
  due(watermark: number): OpenWindow<T>[];
  readonly openWindows: number;
  clear(): void;
}

/** Firing order at one watermark step: (end, start, key). */
export function byEndStartKey(
  a: FindingWindow & { key: string },
  b: FindingWindow & { key: string },
): number {
  return a.end - b.end || a.start - b.start || compareStrings(a.key, b.key);
}

/** `minItems`: windows holding fewer items are dropped when they fire (a threshold could never match them). */
export function createWindowStore<T extends Timed>(spec: WindowSpec, minItems = 1): WindowStore<T> {
  switch (spec.kind) {
    case 'tumbling':
      return new AlignedWindows(spec.size, spec.size, minItems);
    case 'sliding':
      return new AlignedWindows(spec.size, spec.slide, minItems);
    case 'session':
      return new SessionWindows(spec.gap, spec.maxSize ?? Number.POSITIVE_INFINITY, minItems);
  }
}

/**
 * Epoch-aligned windows [k·slide, k·slide + size); tumbling when slide = size. Windows are kept by start,
 * then key: all windows of one start end together, so firing takes them as a group, drops those too small
 * to match, and orders only the rest by key (most keys' windows hold an item or two and never match).
 */
class AlignedWindows<T extends Timed> implements WindowStore<T> {
  private readonly byStart = new Map<number, Map<string, OpenWindow<T>>>();
  private readonly starts = new EventTimeQueue<number>((a, b) => a - b);
  private open = 0;

  constructor(
    private readonly size: number,
    private readonly slide: number,
    private readonly minItems: number,
  ) {}

  get openWindows(): number {
    return this.open;
  }

  add(key: string, item: T, watermark: number): boolean {
    let added = false;
    for (
      let start = Math.floor(item.time / this.slide) * this.slide;
      start + this.size > item.time;
      start -= this.slide
    ) {
      const end = start + this.size;
      if (end <= watermark) break;
      let windows = this.byStart.get(start);
      if (!windows) {
        windows = new Map();
        this.byStart.set(start, windows);
        this.starts.push(start);
      }
      let window = windows.get(key);
      if (!window) {
        window = { key, start, end, items: [] };
        windows.set(key, window);
        this.open += 1;
      }
      window.items.push(item);
      added = true;
    }
    return added;
  }

  due(watermark: number): OpenWindow<T>[] {
    const fired: OpenWindow<T>[] = [];
    for (
      let start = this.starts.peek();
      start !== undefined && start + this.size <= watermark;
      start = this.starts.peek()
    ) {
      this.starts.pop();
      const windows = this.byStart.get(start);
      this.byStart.delete(start);
      if (!windows) continue;
      this.open -= windows.size;
      const ready: OpenWindow<T>[] = [];
      for (const window of windows.values()) if (window.items.length >= this.minItems) ready.push(window);
      fired.push(...ready.sort((a, b) => compareStrings(a.key, b.key)));
    }
    return fired;
  }

  clear(): void {
    this.byStart.clear();
    this.starts.clear();
    this.open = 0;
  }
}

interface Session<T> extends OpenWindow<T> {
  last: number;
  closed: boolean;
}

/** A queued firing time of a session; stale once the session grew or merged. */
interface SessionDeadline<T> extends FindingWindow {
  key: string;
  session: Session<T>;
}

/**
 * Per-key gap sessions: an item within `gap` (exclusive) of a session's items joins it, and an item
 * that bridges two sessions merges them, so the sessions do not depend on arrival order.
 * A session ends at last item + gap. A join that would make the span between first and last item
 * exceed `maxSize` is not made (the item joins the first session it fits, or starts its own).
 */
class SessionWindows<T extends Timed> implements WindowStore<T> {
  private readonly sessionsByKey = new Map<string, Session<T>[]>();
  private readonly queue = new EventTimeQueue<SessionDeadline<T>>(byEndStartKey);
  private open = 0;

  constructor(
    private readonly gap: number,
    private readonly maxSize: number,
    private readonly minItems: number,
  ) {}

  get openWindows(): number {
    return this.open;
  }

  add(key: string, item: T, watermark: number): boolean {
    const t = item.time;
    const sessions = this.sessionsByKey.get(key) ?? [];
    const touching = sessions.filter((s) => t > s.start - this.gap && t < s.last + this.gap);
    const joined = this.fitting(touching, t);
    if (joined.length === 0) {
      if (t + this.gap <= watermark) return false;
      const fresh: Session<T> = { key, start: t, last: t, end: t + this.gap, items: [item], closed: false };
      sessions.push(fresh);
      this.sessionsByKey.set(key, sessions);
      this.open += 1;
      this.schedule(fresh);
      return true;
    }
    const [target, ...absorbed] = joined as [Session<T>, ...Session<T>[]];
    target.items.push(item);
    target.start = Math.min(target.start, t);
    target.last = Math.max(target.last, t);
    for (const other of absorbed) {
      target.items.push(...other.items);
      target.start = Math.min(target.start, other.start);
      target.last = Math.max(target.last, other.last);
      other.closed = true;
      this.open -= 1;
    }
    target.end = target.last + this.gap;
    if (absorbed.length > 0)
      this.sessionsByKey.set(
        key,
        sessions.filter((s) => !s.closed),
      );
    this.schedule(target);
    return true;
  }

  due(watermark: number): OpenWindow<T>[] {
    const fired: OpenWindow<T>[] = [];
    for (const deadline of this.queue.popWhile((d) => d.end <= watermark)) {
      const { session } = deadline;
      if (session.closed || session.end !== deadline.end || session.start !== deadline.start) continue;
      session.closed = true;
      this.open -= 1;
      const rest = (this.sessionsByKey.get(session.key) ?? []).filter((s) => s !== session);
      if (rest.length === 0) this.sessionsByKey.delete(session.key);
      else this.sessionsByKey.set(session.key, rest);
      if (session.items.length < this.minItems) continue;
      fired.push({ key: session.key, start: session.start, end: session.end, items: session.items });
    }
    return fired;
  }

  clear(): void {
    this.sessionsByKey.clear();
    this.queue.clear();
    this.open = 0;
  }

  /** All touching sessions when merging them stays within maxSize, else the first one the item fits alone. */
  private fitting(touching: Session<T>[], t: number): Session<T>[] {
    const span = (group: Session<T>[]) =>
      Math.max(t, ...group.map((s) => s.last)) - Math.min(t, ...group.map((s) => s.start));
    if (span(touching) <= this.maxSize) return touching;
    const single = touching.find((s) => span([s]) <= this.maxSize);
    return single ? [single] : [];
  }

  private schedule(session: Session<T>): void {
    this.queue.push({ key: session.key, start: session.start, end: session.end, session });
  }
}

import type { OperatorFunction } from 'rxjs';
import type { SecurityEvent } from '../../schemas/types.js';
import type { EventClock } from '../api.js';
import { MAX_EVIDENCE } from '../finding.js';
import { eventTimeOperator } from '../operators/event-time-operator.js';
import { EventTimeQueue } from '../operators/event-time-queue.js';
import { compareStrings } from '../operators/item-order.js';
import { type ParsedCorrelation, satisfies } from './correlation.js';
import type { EventViews } from './event-view.js';
import { candidateStrings, fieldPath } from './field-path.js';
import type { CompiledRule } from './rule.js';

/** A correlation with its references resolved: rules, or correlations (a chain). */
export interface CorrelationNode {
  correlation: ParsedCorrelation;
  inputs: CorrelationInput[];
}

export type CorrelationInput =
  | { kind: 'rule'; reference: string; rule: CompiledRule }
  | { kind: 'correlation'; reference: string; node: CorrelationNode };

/** An event (or a nested correlation's match) taking part in a correlation. */
export interface CorrelationItem {
  time: number;
  id: string;
  /** Which of the correlation's rules it matched (index in `rules`). */
  input: number;
  /** The event itself, or the event that completed a nested match. */
  event: SecurityEvent;
  /** Evidence: the event, or a nested match's events (at most MAX_EVIDENCE). */
  events: SecurityEvent[];
  group: string;
  /** value_count: the counted field's value (null when the event lacks it). */
  value: string | null;
}

/** A correlation that held: its group, the window ending at `trigger`, its first events, and the count. */
export interface CorrelationMatch {
  group: string;
  groupValues: Record<string, string>;
  trigger: CorrelationItem;
  /** Time of the oldest item in the window. */
  windowStart: number;
  /** Events of the window's items, oldest first, at most MAX_EVIDENCE. */
  evidence: SecurityEvent[];
  count: number;
}

/**
 * Runs a correlation (and the correlations it chains) in event time. Each event is tested against the
 * referenced rules once; an item waits until the watermark passes its time, then items are processed in
 * (time, id) order, so out-of-order arrival within the lateness gives the same matches. For each item the
 * window is its group's items within `timespan` before it, inclusive (pySigma's sliding-window matcher, in
 * event time): event_count counts items, value_count distinct values of the field, temporal the
 * referenced rules present, temporal_ordered the rules present in order. A nested correlation's match is an
 * item of its parent at the time of its last event. An event already behind the watermark is ignored.
 *
 *   events.pipe(correlationOperator({ root, clock, views })) // CorrelationMatch per window that holds
 */
export function correlationOperator(options: {
  root: CorrelationNode;
  clock: EventClock;
  views: EventViews;
}): OperatorFunction<SecurityEvent, CorrelationMatch> {
  const { root, clock, views } = options;
  return eventTimeOperator<SecurityEvent, CorrelationMatch>(clock, () => {
    const { runtimes, rules } = plan(root);
    const rootRuntime = runtimes.at(-1) as NodeRuntime;
    const process = (due: (item: CorrelationItem) => boolean, emit: (match: CorrelationMatch) => void) => {
      for (const runtime of runtimes) {
        for (const item of runtime.pending.popWhile(due)) {
          const match = runtime.add(item);
          if (!match) continue;
          if (runtime === rootRuntime) emit(match);
          for (const parent of runtime.parents) parent.runtime.offer(match, parent.input);
        }
      }
    };
    return {
      item(event) {
        if (event.time < clock.watermark) return;
        const view = views.of(event.raw);
        for (const { rule, targets } of rules) {
          if (!rule.sources.includes(event.source) || !rule.predicate(view)) continue;
          for (const target of targets) target.runtime.offerEvent(event, target.input);
        }
      },
      advance(watermark, emit) {
        process((item) => item.time < watermark, emit);
        for (const runtime of runtimes) runtime.expire(watermark);
      },
      flush(emit) {
        process(() => true, emit);
      },
      release() {
        for (const runtime of runtimes) runtime.clear();
      },
    };
  });
}

interface Target {
  runtime: NodeRuntime;
  input: number;
}

/** Runtimes children first (a match flows up within the same watermark step), and the rules to test. */
function plan(root: CorrelationNode): {
  runtimes: NodeRuntime[];
  rules: { rule: CompiledRule; targets: Target[] }[];
} {
  const runtimes = new Map<CorrelationNode, NodeRuntime>();
  const rules = new Map<CompiledRule, Target[]>();
  const visit = (node: CorrelationNode): NodeRuntime => {
    const known = runtimes.get(node);
    if (known) return known;
    const runtime = new NodeRuntime(node);
    node.inputs.forEach((input, index) => {
      if (input.kind === 'rule') {
        const targets = rules.get(input.rule) ?? [];
        targets.push({ runtime, input: index });
        rules.set(input.rule, targets);
      } else {
        visit(input.node).parents.push({ runtime, input: index });
      }
    });
    runtimes.set(node, runtime);
    return runtime;
  };
  visit(root);
  return {
    runtimes: [...runtimes.values()],
    rules: [...rules].map(([rule, targets]) => ({ rule, targets })),
  };
}

interface GroupState {
  items: CorrelationItem[];
  /** Index of the oldest live item (items before it left the window). */
  head: number;
  byInput: number[];
  values: Map<string, number>;
}

const byTimeIdInput = (a: CorrelationItem, b: CorrelationItem) =>
  a.time - b.time || compareStrings(a.id, b.id) || a.input - b.input;

/** The state of one correlation in one operator subscription: pending items and each group's window. */
class NodeRuntime {
  readonly parents: Target[] = [];
  readonly pending = new EventTimeQueue<CorrelationItem>(byTimeIdInput);
  private readonly groups = new Map<string, GroupState>();
  private readonly expiry = new EventTimeQueue<{ until: number; group: string }>((a, b) => a.until - b.until);
  private readonly groupOf: ((event: SecurityEvent) => string | null)[];
  private readonly valueField: ((event: SecurityEvent) => string | null) | null;
  private readonly correlation: ParsedCorrelation;

  constructor(node: CorrelationNode) {
    this.correlation = node.correlation;
    this.groupOf = node.inputs.map((input) => groupReader(this.correlation, input));
    this.valueField = this.correlation.field === null ? null : fieldText(this.correlation.field);
  }

  offerEvent(event: SecurityEvent, input: number): void {
    const group = this.groupOf[input]?.(event) ?? null;
    if (group === null) return;
    this.pending.push({
      time: event.time,
      id: event.id,
      input,
      event,
      events: [event],
      group,
      value: this.countedValue(event),
    });
  }

  offer(match: CorrelationMatch, input: number): void {
    const { event } = match.trigger;
    const group = this.groupOf[input]?.(event) ?? null;
    if (group === null) return;
    this.pending.push({
      time: match.trigger.time,
      id: match.trigger.id,
      input,
      event,
      events: match.evidence,
      group,
      value: this.countedValue(event),
    });
  }

  /** Adds an item (in event-time order) to its group's window; the match when the window now holds. */
  add(item: CorrelationItem): CorrelationMatch | null {
    const { timespanMs } = this.correlation;
    let state = this.groups.get(item.group);
    if (!state) {
      state = { items: [], head: 0, byInput: this.groupOf.map(() => 0), values: new Map() };
      this.groups.set(item.group, state);
    }
    this.evict(state, item.time - timespanMs);
    state.items.push(item);
    state.byInput[item.input] = (state.byInput[item.input] ?? 0) + 1;
    if (item.value !== null) state.values.set(item.value, (state.values.get(item.value) ?? 0) + 1);
    this.expiry.push({ until: item.time + timespanMs, group: item.group });
    const count = this.count(state);
    const { condition } = this.correlation;
    const holds = condition === null ? count === this.groupOf.length : satisfies(condition, count);
    if (!holds) return null;
    const evidence: SecurityEvent[] = [];
    for (let index = state.head; index < state.items.length && evidence.length < MAX_EVIDENCE; index += 1)
      evidence.push(...(state.items[index] as CorrelationItem).events);
    return {
      group: item.group,
      groupValues: this.groupValues(item),
      trigger: item,
      windowStart: (state.items[state.head] as CorrelationItem).time,
      evidence: evidence.slice(0, MAX_EVIDENCE),
      count,
    };
  }

  /** Drops window content no future item can see (older than watermark − timespan), and empty groups. */
  expire(watermark: number): void {
    const horizon = watermark - this.correlation.timespanMs;
    for (const { group } of this.expiry.popWhile((entry) => entry.until < watermark)) {
      const state = this.groups.get(group);
      if (!state) continue;
      this.evict(state, horizon);
      if (state.head === state.items.length) this.groups.delete(group);
    }
  }

  clear(): void {
    this.groups.clear();
    this.expiry.clear();
    this.pending.clear();
  }

  private count(state: GroupState): number {
    switch (this.correlation.type) {
      case 'event_count':
        return state.items.length - state.head;
      case 'value_count':
        return state.values.size;
      case 'temporal':
        return state.byInput.filter((count) => count > 0).length;
      default: {
        let next = 0;
        for (let index = state.head; index < state.items.length && next < this.groupOf.length; index += 1)
          if ((state.items[index] as CorrelationItem).input === next) next += 1;
        return next;
      }
    }
  }

  private evict(state: GroupState, before: number): void {
    while (state.head < state.items.length && (state.items[state.head] as CorrelationItem).time < before) {
      const old = state.items[state.head] as CorrelationItem;
      state.byInput[old.input] = (state.byInput[old.input] ?? 1) - 1;
      if (old.value !== null) {
        const left = (state.values.get(old.value) ?? 1) - 1;
        if (left === 0) state.values.delete(old.value);
        else state.values.set(old.value, left);
      }
      state.head += 1;
    }
    if (state.head > 1024 && state.head * 2 > state.items.length) {
      state.items = state.items.slice(state.head);
      state.head = 0;
    }
  }

  private groupValues(item: CorrelationItem): Record<string, string> {
    const values = JSON.parse(item.group) as string[];
    return Object.fromEntries(this.correlation.groupBy.map((name, index) => [name, values[index] ?? '']));
  }

  private countedValue(event: SecurityEvent): string | null {
    return this.valueField ? this.valueField(event) : null;
  }
}

/**
 * The group of an event matched by one input: its group-by fields (aliases resolved for that input) as a
 * JSON list; null when one is missing, so the event takes part in no group (as a SIEM's `by` clause).
 */
export function groupReader(
  correlation: ParsedCorrelation,
  input: CorrelationInput,
): (event: SecurityEvent) => string | null {
  const readers = correlation.groupBy.map((name) => fieldText(aliasField(correlation, name, input)));
  return (event) => {
    const values: string[] = [];
    for (const read of readers) {
      const value = read(event);
      if (value === null) return null;
      values.push(value);
    }
    return JSON.stringify(values);
  };
}

/** The field an alias (or a plain group-by field) names for one input: by its reference, name or id. */
function aliasField(correlation: ParsedCorrelation, name: string, input: CorrelationInput): string {
  const mapping = correlation.aliases[name];
  if (!mapping) return name;
  const meta = input.kind === 'rule' ? input.rule.meta : input.node.correlation.meta;
  return mapping[input.reference] ?? (meta.name ? mapping[meta.name] : undefined) ?? mapping[meta.id] ?? name;
}

/** Reads a field of the event's raw record as one string (its first value); null when missing or null. */
function fieldText(field: string): (event: SecurityEvent) => string | null {
  const path = fieldPath(field);
  return (event) => {
    for (const value of path(event.raw)) {
      const text = value === null ? undefined : candidateStrings(value)[0];
      if (text !== undefined) return text;
    }
    return null;
  };
}

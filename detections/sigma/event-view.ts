import type { JsonValue } from '../../schemas/types.js';

/** What a compiled rule reads from an event: the raw record and, for keyword searches, its JSON text. */
export interface EventView {
  readonly raw: JsonValue;
  /** The record's compact JSON text, computed once per event. */
  text(): string;
  /** `text()` lower-cased, computed once per event. */
  lowerText(): string;
}

/**
 * Views of records, cached per record object so rules that search the whole event share one
 * JSON.stringify. Weakly held: a record that left the pipeline is not kept.
 *
 *   const views = new EventViews(); const view = views.of(event.raw);
 */
export class EventViews {
  private readonly cache = new WeakMap<object, EventView>();

  of(raw: JsonValue): EventView {
    if (typeof raw !== 'object' || raw === null) return eventView(raw);
    let view = this.cache.get(raw);
    if (!view) {
      view = eventView(raw);
      this.cache.set(raw, view);
    }
    return view;
  }
}

export function eventView(raw: JsonValue): EventView {
  let text: string | undefined;
  let lower: string | undefined;
  return {
    raw,
    text: () => {
      text ??= JSON.stringify(raw);
      return text;
    },
    lowerText() {
      lower ??= this.text().toLowerCase();
      return lower;
    },
  };
}

import type { JsonValue } from '../../schemas/types.js';

/** What a compiled rule reads from an event: the raw record and, for keyword searches, its JSON text. */
export class EventView {
  private json: string | undefined;
  private lower: string | undefined;

  constructor(readonly raw: JsonValue) {}

  /** The record's compact JSON text, computed once per view. */
  text(): string {
    this.json ??= JSON.stringify(this.raw);
    return this.json;
  }

  /** `text()` lower-cased, computed once per view. */
  lowerText(): string {
    this.lower ??= this.text().toLowerCase();
    return this.lower;
  }
}

/**
 * Views of records for the rules of one load. The pipeline hands an event to every detection before the
 * next event, so remembering the last record's view lets all rules share one JSON.stringify without a
 * per-record cache for the garbage collector to track.
 *
 *   const views = new EventViews(); const view = views.of(event.raw);
 */
export class EventViews {
  private last: EventView | undefined;

  of(raw: JsonValue): EventView {
    if (this.last?.raw !== raw) this.last = new EventView(raw);
    return this.last;
  }
}

export function eventView(raw: JsonValue): EventView {
  return new EventView(raw);
}

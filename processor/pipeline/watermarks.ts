import { Subject } from 'rxjs';
import type { EventClock } from '../../detections/api.js';

/**
 * The pipeline's event-time clock. Each input (a shard, or a file in replay) has a watermark of
 * max event time seen − allowed lateness; the pipeline watermark is the minimum over open inputs and
 * never goes back. When no input is open (between replayed files) it holds its value.
 *
 *   clock.open('shard-0'); clock.observe('shard-0', t);  // watermark = t - lateness
 */
export class WatermarkClock implements EventClock {
  private readonly maxTimeByInput = new Map<string, number>();
  private readonly advanced = new Subject<number>();
  private current = Number.NEGATIVE_INFINITY;
  private beforeAdvance: ((next: number) => void) | undefined;
  /** Greatest event time seen on any input: "now" in event time, e.g. for the state cache's TTL. */
  latest = 0;
  readonly watermark$ = this.advanced.asObservable();

  constructor(readonly latenessMs: number) {}

  get watermark(): number {
    return this.current;
  }

  /**
   * Runs `hook(next)` at each advance while `watermark` still reads the previous value, before watermark$
   * subscribers (the operators) see `next`: the pipeline releases held events there, so they land in
   * windows that `next` is about to close.
   */
  onBeforeAdvance(hook: (next: number) => void): void {
    this.beforeAdvance = hook;
  }

  open(input: string): void {
    if (!this.maxTimeByInput.has(input)) this.maxTimeByInput.set(input, Number.NEGATIVE_INFINITY);
  }

  /** Records an event time for its input, and advances the watermark if that raised the minimum. */
  observe(input: string, time: number): void {
    this.saw(time);
    const previous = this.maxTimeByInput.get(input) ?? Number.NEGATIVE_INFINITY;
    if (time <= previous) return;
    this.maxTimeByInput.set(input, time);
    this.advance();
  }

  /**
   * An event time seen outside any input: it moves `latest` (event-time "now") but not the watermark. A keyed
   * shard's engine takes its watermark from the stream (advanceTo), not from its events' times.
   */
  saw(time: number): void {
    if (time > this.latest) this.latest = time;
  }

  /**
   * Moves the watermark to `watermark` if that is ahead: a watermark carried by the stream itself (ingest's
   * promise that no new event older than it will follow), for a clock without inputs.
   *
   *   clock.advanceTo(record.watermark); // watermark$ emits it once, if it is new
   */
  advanceTo(watermark: number): void {
    this.moveTo(watermark);
  }

  close(input: string): void {
    if (this.maxTimeByInput.delete(input)) this.advance();
  }

  /** End of all input: completes watermark$ (windows flush on their own input's completion). */
  complete(): void {
    this.advanced.complete();
  }

  private advance(): void {
    if (this.maxTimeByInput.size === 0) return;
    let lowest = Number.POSITIVE_INFINITY;
    for (const maxTime of this.maxTimeByInput.values()) lowest = Math.min(lowest, maxTime);
    this.moveTo(lowest - this.latenessMs);
  }

  private moveTo(next: number): void {
    if (next <= this.current) return;
    this.beforeAdvance?.(next);
    this.current = next;
    this.advanced.next(next);
  }
}

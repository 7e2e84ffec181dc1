import { Subject, type Subscription } from 'rxjs';
import type { Detection, DetectionParams } from '../../detections/api.js';
import { EventTimeQueue } from '../../detections/operators/event-time-queue.js';
import { type AllowRule, dedup, suppress } from '../../detections/operators/index.js';
import { byTimeThenId } from '../../detections/operators/item-order.js';
import type { EventSource, Finding, SecurityEvent } from '../../schemas/types.js';
import { RecordFilter } from '../decode/record-filter.js';
import { STATE_ROUTES, type StateCache } from '../state/index.js';
import { PipelineCounters } from './counters.js';
import { EmittedFindings } from './emitted-findings.js';
import { Router } from './router.js';
import type { WatermarkClock } from './watermarks.js';

export interface PipelineOptions {
  detections: readonly Detection[];
  /** The event-time clock; the state cache should age entries by `clock.latest`. */
  clock: WatermarkClock;
  state: StateCache;
  /** Per-detection parameters from config, by detection id. */
  params?: Readonly<Record<string, DetectionParams>>;
  allowRules?: readonly AllowRule[];
  /** Receives every finding, in a deterministic order, synchronously. */
  onFinding: (finding: Finding) => void;
}

interface DetectionInput {
  detection: Detection;
  events: Subject<SecurityEvent>;
}

/**
 * Event-time detection pipeline: state cache → router → detections → dedup, driven synchronously by
 * `push`. The same events pushed in the same per-input order give the same findings, live or replayed.
 * What depends on arrival order across inputs is put in event-time order first: the state cache learns
 * assets, and `readsState` detections (and those with allow rules on tags) get their events, in (time, id)
 * order as the watermark passes them.
 *
 *   const clock = new WatermarkClock(300_000);
 *   const state = new StateCache({ ...DEFAULT_STATE_OPTIONS, now: () => clock.latest });
 *   const pipeline = new Pipeline({ detections, clock, state, onFinding: write });
 *   pipeline.open('file.json'); pipeline.push('file.json', event); pipeline.close('file.json'); pipeline.finish();
 */
export class Pipeline {
  readonly clock: WatermarkClock;
  readonly counters = new PipelineCounters();
  /** Detections that take events as they arrive. */
  private readonly router: Router<DetectionInput>;
  /** What waits for the watermark: the state cache's learning (target null, first), and `readsState` detections. */
  private readonly orderedRouter: Router<DetectionInput | null>;
  private readonly held = new EventTimeQueue<SecurityEvent>(byTimeThenId);
  /**
   * Detections' routes plus what the state cache learns from: everything else may be dropped unparsed (a
   * decoder given `wanted.wants` and `wanted.needles`; a replay's decode threads rebuild it from its routes).
   */
  readonly wanted: RecordFilter;
  private readonly inputs: DetectionInput[];
  private readonly subscriptions: Subscription[] = [];
  private readonly emitted = new EmittedFindings();
  private readonly state: StateCache;

  constructor(private readonly options: PipelineOptions) {
    this.state = options.state;
    this.clock = options.clock;
    this.inputs = options.detections.map((detection) => ({
      detection,
      events: new Subject<SecurityEvent>(),
    }));
    // Allow rules on tags look instances up in the state cache too.
    const readsState = ({ detection }: DetectionInput) =>
      detection.readsState === true || this.rulesFor(detection).some((rule) => rule.tags !== undefined);
    const routesOf = (ordered: boolean) =>
      this.inputs
        .filter((input) => readsState(input) === ordered)
        .map((input) => ({ routes: input.detection.routes, target: input }));
    this.router = new Router(routesOf(false));
    this.orderedRouter = new Router<DetectionInput | null>([
      { routes: STATE_ROUTES, target: null },
      ...routesOf(true),
    ]);
    this.wanted = new RecordFilter([...options.detections.flatMap((d) => d.routes), ...STATE_ROUTES]);
    for (const input of this.inputs) this.subscriptions.push(this.subscribe(input));
    this.clock.onBeforeAdvance((next) => this.release(next));
  }

  /** Whether a detection or the state cache needs this source and action (lets decoders skip the rest unparsed). */
  wants(source: EventSource, action: string): boolean {
    return this.wanted.wants(source, action);
  }

  open(input: string): void {
    this.clock.open(input);
  }

  push(input: string, event: SecurityEvent): void {
    const late = event.time < this.clock.watermark;
    this.counters.countEvent(event, late);
    this.state.observe(event);
    const targets = this.router.targets(event.source, event.action);
    const ordered = this.orderedRouter.wants(event.source, event.action);
    if (targets.length === 0 && !ordered) this.counters.unrouted += 1;
    for (const target of targets) target.events.next(event);
    if (ordered && late) this.deliverInOrder(event);
    else if (ordered) this.held.push(event);
    this.clock.observe(input, event.time);
  }

  close(input: string): void {
    this.clock.close(input);
  }

  /** End of all input: every held event is delivered and every open window fires, then the pipeline is done. */
  finish(): void {
    this.release(Number.POSITIVE_INFINITY);
    for (const input of this.inputs) input.events.complete();
    this.clock.complete();
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }

  /** Delivers the held events the watermark `next` passes, before the operators see `next`. */
  private release(next: number): void {
    for (const event of this.held.popWhile((held) => held.time <= next)) this.deliverInOrder(event);
  }

  private deliverInOrder(event: SecurityEvent): void {
    for (const target of this.orderedRouter.targets(event.source, event.action)) {
      if (target === null) this.state.learn(event);
      else target.events.next(event);
    }
  }

  private rulesFor(detection: Detection): AllowRule[] {
    return (this.options.allowRules ?? []).filter(
      (rule) => !rule.detections || rule.detections.includes(detection.id),
    );
  }

  private subscribe({ detection, events }: DetectionInput): Subscription {
    const context = {
      clock: this.clock,
      state: this.state,
      params: this.options.params?.[detection.id] ?? {},
    };
    let findings = events.pipe(
      suppress({
        rules: this.rulesFor(detection),
        tagsOf: (event) => this.state.tagsOf(event),
        onSuppressed: () => this.counters.countSuppressed(detection.id),
      }),
      detection.operator(context),
    );
    if (detection.dedupPeriodMs !== undefined) {
      findings = findings.pipe(dedup({ clock: this.clock, period: detection.dedupPeriodMs }));
    }
    return findings.subscribe({
      next: (finding) => {
        const seen = this.emitted.classify(finding);
        if (seen === 'repeat') return;
        this.counters.countFinding(finding, seen === 'update');
        this.options.onFinding(finding);
      },
    });
  }
}

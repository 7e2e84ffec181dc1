import { Subject, type Subscription } from 'rxjs';
import type { Detection, DetectionParams } from '../../detections/api.js';
import { type AllowRule, dedup, suppress } from '../../detections/operators/index.js';
import type { EventSource, Finding, SecurityEvent } from '../../schemas/types.js';
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
 *
 *   const clock = new WatermarkClock(300_000);
 *   const state = new StateCache({ ...DEFAULT_STATE_OPTIONS, now: () => clock.latest });
 *   const pipeline = new Pipeline({ detections, clock, state, onFinding: write });
 *   pipeline.open('file.json'); pipeline.push('file.json', event); pipeline.close('file.json'); pipeline.finish();
 */
export class Pipeline {
  readonly clock: WatermarkClock;
  readonly counters = new PipelineCounters();
  private readonly router: Router<DetectionInput>;
  /** Detections' routes plus what the state cache learns from: everything else may be dropped unparsed. */
  private readonly wanted: Router<true>;
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
    this.router = new Router(this.inputs.map((input) => ({ routes: input.detection.routes, target: input })));
    this.wanted = new Router([
      ...options.detections.map((detection) => ({ routes: detection.routes, target: true as const })),
      { routes: STATE_ROUTES, target: true as const },
    ]);
    for (const input of this.inputs) this.subscriptions.push(this.subscribe(input));
  }

  /** Whether a detection or the state cache needs this source and action (lets decoders skip the rest unparsed). */
  wants(source: EventSource, action: string): boolean {
    return this.wanted.wants(source, action);
  }

  open(input: string): void {
    this.clock.open(input);
  }

  push(input: string, event: SecurityEvent): void {
    this.counters.countEvent(event, event.time < this.clock.watermark);
    this.state.apply(event);
    const targets = this.router.targets(event.source, event.action);
    if (targets.length === 0) this.counters.unrouted += 1;
    for (const target of targets) target.events.next(event);
    this.clock.observe(input, event.time);
  }

  close(input: string): void {
    this.clock.close(input);
  }

  /** End of all input: every open window fires, then the pipeline is done. */
  finish(): void {
    for (const input of this.inputs) input.events.complete();
    this.clock.complete();
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }

  private subscribe({ detection, events }: DetectionInput): Subscription {
    const context = {
      clock: this.clock,
      state: this.state,
      params: this.options.params?.[detection.id] ?? {},
    };
    const rules = (this.options.allowRules ?? []).filter(
      (rule) => !rule.detections || rule.detections.includes(detection.id),
    );
    let findings = events.pipe(
      suppress({
        rules,
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

import { filter, type Observable, Subject, type Subscription } from 'rxjs';
import type { Detection, DetectionParams } from '../../detections/api.js';
import { eventTimeOperator } from '../../detections/operators/event-time-operator.js';
import { EventTimeQueue } from '../../detections/operators/event-time-queue.js';
import { type AllowRule, suppress } from '../../detections/operators/index.js';
import { byTimeThenId } from '../../detections/operators/item-order.js';
import type { EventSource, Finding, SecurityEvent } from '../../schemas/types.js';
import { RecordFilter } from '../decode/record-filter.js';
import { STATE_ROUTES, type StateCache } from '../state/index.js';
import { PipelineCounters } from './counters.js';
import { DedupStage, type PipelineMoment, type RestorePoint, type SavedBucket } from './dedup-stage.js';
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
  /**
   * Detections whose findings arrive made (pushFinding) rather than from events: the keyed stream carries the
   * findings ingest's single-event detections made, so that one engine per dedup key rolls them up.
   */
  relayed?: readonly Detection[];
  /**
   * Detections whose findings this pipeline hands on as made, before dedup and the repeat filter: ingest
   * publishes them for the engine of their dedup key to roll up (a finding found twice must merge twice there).
   */
  handsOff?: ReadonlySet<string>;
  /** Counters to add to (a worker sums every engine it ran); default: the pipeline's own. */
  counters?: PipelineCounters;
  /** A detection's finding must pass this before dedup (a taker drops windows it may have rebuilt partially). */
  admit?: (finding: Finding) => boolean;
  /** The partition key a finding belongs to, saved with its dedup bucket (resharding hands buckets on by key). */
  partitionKeyOf?: (finding: Finding) => string | null;
  /**
   * A taker replaying records another engine may have processed: dedup defers first findings until caughtUp()
   * (see DedupStage), so no count a sink saw goes down.
   */
  catchingUp?: boolean;
  /** Dedup state is saved with checkpoints (saveDedup): closed buckets are kept until forgetClosedUpTo. */
  savesDedup?: boolean;
  /**
   * Whether the state cache it was restored with already learned this event (a taker replaying records its
   * snapshot covers): the cache does not learn it again.
   */
  learned?: (event: SecurityEvent, at: RecordAt | undefined) => boolean;
}

/** A record being processed: findings it causes are attributed to it (restoring dedup state needs this). */
export interface RecordAt {
  shard: string;
  sequence: bigint;
}

/** Saved dedup buckets, by detection id. */
export type SavedDedup = Record<string, SavedBucket[]>;

interface DetectionInput {
  detection: Detection;
  events: Subject<SecurityEvent>;
}

interface RelayInput {
  detection: Detection;
  findings: Subject<Finding>;
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
  readonly counters: PipelineCounters;
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
  private readonly relays: Map<string, RelayInput>;
  private readonly dedups = new Map<string, DedupStage>();
  private readonly subscriptions: Subscription[] = [];
  private readonly emitted = new EmittedFindings();
  private readonly state: StateCache;
  /** Pushed events the restored state cache already learned (PipelineOptions.learned). */
  private readonly alreadyLearned = new WeakSet<SecurityEvent>();
  /** The record being pushed, and the watermark step under way (which wins): see PipelineMoment. */
  private record: PipelineMoment = null;
  private step: PipelineMoment = null;

  constructor(private readonly options: PipelineOptions) {
    this.state = options.state;
    this.clock = options.clock;
    this.counters = options.counters ?? new PipelineCounters();
    this.relays = new Map(
      (options.relayed ?? []).map((detection) => [
        detection.id,
        { detection, findings: new Subject<Finding>() },
      ]),
    );
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
    for (const relay of this.relays.values()) this.subscriptions.push(this.subscribeRelay(relay));
    this.clock.onBeforeAdvance((next) => {
      this.step = { kind: 'step', watermark: next };
      this.release(next);
    });
    // Subscribed after every detection, so it runs last in each step.
    this.subscriptions.push(
      this.clock.watermark$.subscribe(() => {
        this.step = null;
      }),
    );
  }

  /** Whether a detection or the state cache needs this source and action (lets decoders skip the rest unparsed). */
  wants(source: EventSource, action: string): boolean {
    return this.wanted.wants(source, action);
  }

  open(input: string): void {
    this.clock.open(input);
  }

  /**
   * One event of `input`, whose time moves that input's watermark; with input null (a keyed shard's engine,
   * whose watermark the stream carries) it only moves `clock.latest`. `at`: the record it came from.
   */
  push(input: string | null, event: SecurityEvent, at?: RecordAt): void {
    this.record = at ? { kind: 'record', ...at } : null;
    const late = event.time < this.clock.watermark;
    this.counters.countEvent(event, late);
    this.state.observe(event);
    const targets = this.router.targets(event.source, event.action);
    const ordered = this.orderedRouter.wants(event.source, event.action);
    if (ordered && this.options.learned?.(event, at)) this.alreadyLearned.add(event);
    if (targets.length === 0 && !ordered) this.counters.unrouted += 1;
    for (const target of targets) target.events.next(event);
    if (ordered && late) this.deliverInOrder(event);
    else if (ordered) this.held.push(event);
    if (input === null) this.clock.saw(event.time);
    else this.clock.observe(input, event.time);
  }

  /** A finding made elsewhere for a relayed detection (see PipelineOptions.relayed); ignored for any other. */
  pushFinding(finding: Finding, at?: RecordAt): void {
    this.record = at ? { kind: 'record', ...at } : null;
    this.relays.get(finding.detection)?.findings.next(finding);
  }

  /** The dedup buckets to save with a checkpoint whose replay starts at watermark `from` (see DedupStage.save). */
  saveDedup(from = Number.NEGATIVE_INFINITY): SavedDedup {
    const saved: SavedDedup = {};
    for (const [id, stage] of this.dedups) {
      const buckets = stage.save(from);
      if (buckets.length > 0) saved[id] = buckets;
    }
    return saved;
  }

  /** Closed buckets ending by `watermark` are no longer needed. */
  forgetClosedUpTo(watermark: number): void {
    for (const stage of this.dedups.values()) stage.forgetClosedUpTo(watermark);
  }

  /**
   * Puts saved buckets back before the first event, for a taker starting at `watermark` (see DedupStage.restore);
   * buckets of detections this pipeline does not run are skipped.
   */
  restoreDedup(saved: SavedDedup, point: RestorePoint, watermark: number): void {
    for (const [id, buckets] of Object.entries(saved)) {
      const emitted = this.dedups.get(id)?.restore(buckets, point, watermark) ?? new Map<string, number>();
      for (const [findingId, count] of emitted) this.emitted.seen(findingId, count);
    }
  }

  /** The taker has caught up with what the previous owner may have read (see PipelineOptions.catchingUp). */
  caughtUp(): void {
    for (const stage of this.dedups.values()) stage.caughtUp((finding) => this.emit(finding));
  }

  close(input: string): void {
    this.clock.close(input);
  }

  /** End of all input: every held event is delivered and every open window fires, then the pipeline is done. */
  finish(): void {
    this.release(Number.POSITIVE_INFINITY);
    for (const input of this.inputs) input.events.complete();
    for (const relay of this.relays.values()) relay.findings.complete();
    this.clock.complete();
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }

  /** The earliest event time still held for the watermark (+Infinity when none). */
  get heldFrom(): number {
    return this.held.peek()?.time ?? Number.POSITIVE_INFINITY;
  }

  /** Stops without flushing anything (an engine given up: a taker rebuilds what it held). */
  dispose(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }

  /** Delivers the held events the watermark `next` passes, before the operators see `next`. */
  private release(next: number): void {
    for (const event of this.held.popWhile((held) => held.time <= next)) this.deliverInOrder(event);
  }

  private deliverInOrder(event: SecurityEvent): void {
    for (const target of this.orderedRouter.targets(event.source, event.action)) {
      if (target === null) {
        if (!this.alreadyLearned.has(event)) this.state.learn(event);
      } else target.events.next(event);
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
    const { admit } = this.options;
    const findings = events.pipe(
      suppress({
        rules: this.rulesFor(detection),
        tagsOf: (event) => this.state.tagsOf(event),
        onSuppressed: () => this.counters.countSuppressed(detection.id),
      }),
      detection.operator(context),
      filter((finding) => admit?.(finding) ?? true),
    );
    if (this.options.handsOff?.has(detection.id))
      return findings.subscribe({ next: (finding) => this.options.onFinding(finding) });
    return this.deduplicated(detection, findings).subscribe({ next: (finding) => this.emit(finding) });
  }

  private subscribeRelay({ detection, findings }: RelayInput): Subscription {
    return this.deduplicated(detection, findings).subscribe({ next: (finding) => this.emit(finding) });
  }

  /** The detection's findings through its dedup stage, when it has a dedup period. */
  private deduplicated(detection: Detection, findings: Observable<Finding>): Observable<Finding> {
    if (detection.dedupPeriodMs === undefined) return findings;
    const stage = new DedupStage(detection.dedupPeriodMs, this.options.partitionKeyOf, {
      catchingUp: this.options.catchingUp === true,
      saved: this.options.savesDedup === true,
    });
    this.dedups.set(detection.id, stage);
    // An event-time operator subscribes upstream first: a window's findings reach the stage before it closes
    // buckets for the same watermark.
    return findings.pipe(
      eventTimeOperator<Finding, Finding>(this.clock, () => ({
        item: (finding, emit) => stage.accept(finding, this.step ?? this.record, emit),
        advance: (watermark, emit) => stage.advance(watermark, emit),
        flush: (emit) => stage.flush(emit),
        release: () => undefined,
      })),
    );
  }

  private emit(finding: Finding): void {
    const seen = this.emitted.classify(finding);
    if (seen === 'repeat') return;
    this.counters.countFinding(finding, seen === 'update');
    this.options.onFinding(finding);
  }
}

import { performance } from 'node:perf_hooks';
import type { Finding } from '../../schemas/types.js';
import type { FindingDeadLetterSink } from './dead-letter-file.js';
import { type SinkMetrics, SinkMetricsRecorder } from './metrics.js';
import { SinkHealth } from './retry.js';
import type { BatchOutcome, FindingSink, RejectedFinding } from './sink.js';

export type { SinkMetrics } from './metrics.js';

export interface DeliveryOptions {
  sinks: readonly FindingSink[];
  /** Durable; rejected findings go here (and are then acked). */
  deadLetters: FindingDeadLetterSink;
  /** Per sink, default 4. */
  maxInFlightBatches?: number;
  /** Findings submitted but not yet acked, default 10_000: beyond it `ready()` waits (backpressure). */
  maxPending?: number;
  /** A partial batch is sent after this many ms (wall clock is allowed in sinks), default 500. */
  lingerMs?: number;
  /** A sink's circuit opened (healthy false) or closed again. */
  onSinkHealth?: (sink: string, healthy: boolean) => void;
}

/**
 * A sink that keeps its own circuit (fed by its retries) exposes it as `health`; Delivery reports it.
 * Without one, Delivery's own circuit counts batches whose `send` threw.
 */
export interface SinkWithHealth extends FindingSink {
  readonly health: SinkHealth;
}

/** A finding on its way to every sink; acked when `remaining` reaches 0. */
interface Entry {
  finding: Finding;
  remaining: number;
  onAcked: () => void;
}

/** One sink's queue, in-flight count and counters. */
interface SinkLane {
  sink: FindingSink;
  health: SinkHealth;
  /** Delivery feeds the circuit only for sinks without their own (theirs sees every attempt). */
  ownsHealth: boolean;
  queue: Entry[];
  inFlight: number;
  /** The linger of the oldest partial batch ran out: send it at the next free slot. */
  due: boolean;
  timer: NodeJS.Timeout | undefined;
  metrics: SinkMetricsRecorder;
}

/**
 * Fans findings out to every sink in bounded batches and acks each finding once every sink accepted it or
 * it was dead-lettered durably: the caller checkpoints only acked findings (docs/architecture.md). Backpressure:
 * `await ready()` between input batches; at most `maxInFlightBatches` batches per sink are in flight.
 *
 *   delivery.submit(finding, positions.hold());
 *   await delivery.ready();
 */
export class Delivery {
  private readonly lanes: SinkLane[];
  private readonly deadLetters: FindingDeadLetterSink;
  private readonly maxInFlightBatches: number;
  private readonly maxPending: number;
  private readonly lingerMs: number;
  private pendingCount = 0;
  private flushing = 0;
  private failure: unknown;
  private waiters: { ready: boolean; resolve: () => void; reject: (error: unknown) => void }[] = [];

  constructor(options: DeliveryOptions) {
    this.deadLetters = options.deadLetters;
    this.maxInFlightBatches = options.maxInFlightBatches ?? 4;
    this.maxPending = options.maxPending ?? 10_000;
    this.lingerMs = options.lingerMs ?? 500;
    this.lanes = options.sinks.map((sink) => ({
      sink,
      health: hasHealth(sink) ? sink.health : new SinkHealth(),
      ownsHealth: !hasHealth(sink),
      queue: [],
      inFlight: 0,
      due: false,
      timer: undefined,
      metrics: new SinkMetricsRecorder(),
    }));
    const { onSinkHealth } = options;
    if (onSinkHealth)
      for (const lane of this.lanes) lane.health.onChange((healthy) => onSinkHealth(lane.sink.name, healthy));
  }

  /** Queues a finding for every sink; `onAcked` runs once every sink accepted it or it was dead-lettered durably. */
  submit(finding: Finding, onAcked: () => void): void {
    if (this.lanes.length === 0) {
      onAcked();
      return;
    }
    const entry: Entry = { finding, remaining: this.lanes.length, onAcked };
    this.pendingCount += 1;
    for (const lane of this.lanes) {
      lane.queue.push(entry);
      this.pump(lane);
    }
  }

  /** Resolves when fewer than maxPending findings await acks (await it between input batches). */
  ready(): Promise<void> {
    return this.waitFor(true);
  }

  /** Sends partial batches now and resolves when nothing is in flight or queued (shutdown, end of replay). */
  async flush(): Promise<void> {
    this.flushing += 1;
    try {
      for (const lane of this.lanes) this.pump(lane);
      await this.waitFor(false);
    } finally {
      this.flushing -= 1;
    }
  }

  /** Flushes, then closes the sinks and the dead-letter sink. */
  async close(): Promise<void> {
    await this.flush();
    for (const lane of this.lanes) clearTimeout(lane.timer);
    await Promise.all(this.lanes.map((lane) => lane.sink.close()));
    await this.deadLetters.close();
  }

  metrics(): Record<string, SinkMetrics> {
    const metrics: Record<string, SinkMetrics> = {};
    for (const lane of this.lanes) metrics[lane.sink.name] = lane.metrics.snapshot(lane.health.healthy);
    return metrics;
  }

  /** Findings submitted and not yet acked. */
  get pending(): number {
    return this.pendingCount;
  }

  /** Sends full batches while slots are free, a partial one when flushing or its linger ran out. */
  private pump(lane: SinkLane): void {
    const { maxBatch } = lane.sink;
    while (lane.inFlight < this.maxInFlightBatches && lane.queue.length > 0) {
      const full = lane.queue.length >= maxBatch;
      if (!full && !lane.due && this.flushing === 0) break;
      if (!full) lane.due = false;
      this.send(lane, lane.queue.splice(0, maxBatch));
    }
    if (lane.queue.length === 0) {
      lane.due = false;
      clearTimeout(lane.timer);
      lane.timer = undefined;
    } else if (!lane.timer && !lane.due) {
      lane.timer = setTimeout(() => {
        lane.timer = undefined;
        lane.due = true;
        this.pump(lane);
      }, this.lingerMs);
    }
  }

  private send(lane: SinkLane, entries: Entry[]): void {
    lane.inFlight += 1;
    const started = performance.now();
    lane.sink
      .send(entries.map((entry) => entry.finding))
      .then(
        (outcome) => {
          if (lane.ownsHealth) lane.health.recordSuccess();
          return outcome;
        },
        (error: unknown): BatchOutcome => {
          // A sink must resolve with per-finding outcomes; a rejection is a bug, but its findings must not vanish.
          if (lane.ownsHealth) lane.health.recordFailure();
          const detail = describe(error);
          const rejected = entries.map(({ finding }) => ({
            finding,
            sink: lane.sink.name,
            reason: 'sink_error',
            detail,
          }));
          return { accepted: [], rejected, retries: 0 };
        },
      )
      .then((outcome) => this.settle(lane, entries, outcome, performance.now() - started))
      .catch((error: unknown) => this.fail(error))
      .finally(() => {
        lane.inFlight -= 1;
        this.pump(lane);
      });
  }

  /** Dead-letters what the sink rejected (or left out of its outcome), then acks the batch for this sink. */
  private async settle(lane: SinkLane, entries: Entry[], outcome: BatchOutcome, latencyMs: number) {
    const accepted = new Set<Finding>(outcome.accepted);
    const rejectedByFinding = new Map<Finding, RejectedFinding>();
    for (const rejection of outcome.rejected) rejectedByFinding.set(rejection.finding, rejection);
    const rejected: RejectedFinding[] = [];
    for (const { finding } of entries) {
      if (accepted.has(finding)) continue;
      rejected.push(
        rejectedByFinding.get(finding) ?? {
          finding,
          sink: lane.sink.name,
          reason: 'sink_error',
          detail: 'missing from the batch outcome',
        },
      );
    }
    if (rejected.length > 0) await this.deadLetters.write(rejected);
    lane.metrics.recordBatch({
      size: entries.length,
      written: entries.length - rejected.length,
      rejected: rejected.length,
      retries: outcome.retries,
      latencyMs,
    });
    for (const entry of entries) this.ack(entry);
  }

  private ack(entry: Entry): void {
    entry.remaining -= 1;
    if (entry.remaining > 0) return;
    this.pendingCount -= 1;
    entry.onAcked();
    this.wake();
  }

  /** Findings can no longer be acked (the dead-letter sink failed): every waiter fails, nothing is acked. */
  private fail(error: unknown): void {
    this.failure ??= error;
    this.wake();
  }

  private waitFor(ready: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ ready, resolve, reject });
      this.wake();
    });
  }

  private wake(): void {
    this.waiters = this.waiters.filter((waiter) => {
      if (this.failure !== undefined) waiter.reject(this.failure);
      else if (this.pendingCount === 0 || (waiter.ready && this.pendingCount < this.maxPending))
        waiter.resolve();
      else return true;
      return false;
    });
  }
}

function hasHealth(sink: FindingSink): sink is SinkWithHealth {
  return (sink as Partial<SinkWithHealth>).health instanceof SinkHealth;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

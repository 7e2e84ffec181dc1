import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../schemas/types.js';
import type { FindingDeadLetterSink } from './dead-letter-file.js';
import { Delivery } from './delivery.js';
import { SinkHealth } from './retry.js';
import type { BatchOutcome, FindingSink, RejectedFinding } from './sink.js';

function finding(id: string): Finding {
  return {
    id,
    detection: 'test-detection',
    title: `finding ${id}`,
    description: '',
    severity: 'high',
    tier: 'alert',
    riskScore: 70,
    time: 1_764_000_000_000,
    window: null,
    account: '111122223333',
    region: 'us-east-1',
    principal: null,
    resources: [],
    mitre: [],
    evidence: [],
    count: 1,
    runbook: '',
    remediation: '',
    dedupKey: id,
    context: {},
  };
}

const findings = (...ids: string[]) => ids.map(finding);

/** Lets pending promise callbacks run (several hops: send → settle → dead letters → ack). */
async function settled(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await nextTurn();
}

/** A promise the test resolves or rejects by hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * RecordingSink (test double): records every batch. By default accepts at once; with `gated`, each send
 * waits until the test calls `release()` (oldest first), so in-flight batches can be counted.
 */
class RecordingSink implements FindingSink {
  readonly batches: string[][] = [];
  closed = false;
  private readonly gates: { batch: readonly Finding[]; done: (outcome: BatchOutcome) => void }[] = [];

  constructor(
    readonly name: string,
    readonly maxBatch: number,
    private readonly options: {
      gated?: boolean;
      reject?: (finding: Finding) => string | undefined;
      throws?: Error;
      drop?: string;
      retries?: number;
    } = {},
  ) {}

  get waiting(): number {
    return this.gates.length;
  }

  async send(batch: readonly Finding[]): Promise<BatchOutcome> {
    this.batches.push(batch.map((f) => f.id));
    if (this.options.throws) throw this.options.throws;
    if (this.options.gated) {
      const gate = deferred<BatchOutcome>();
      this.gates.push({ batch, done: gate.resolve });
      return gate.promise;
    }
    return this.outcome(batch);
  }

  release(): void {
    const gate = this.gates.shift();
    if (!gate) throw new Error('nothing in flight');
    gate.done(this.outcome(gate.batch));
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private outcome(batch: readonly Finding[]): BatchOutcome {
    const accepted: Finding[] = [];
    const rejected: RejectedFinding[] = [];
    for (const f of batch) {
      if (f.id === this.options.drop) continue;
      const reason = this.options.reject?.(f);
      if (reason) rejected.push({ finding: f, sink: this.name, reason, detail: `${f.id} refused` });
      else accepted.push(f);
    }
    return { accepted, rejected, retries: this.options.retries ?? 0 };
  }
}

/** RecordingDeadLetters (test double): keeps what it is given; `gated` holds each write until `release()`. */
class RecordingDeadLetters implements FindingDeadLetterSink {
  readonly written: RejectedFinding[] = [];
  closed = false;
  private readonly gates: (() => void)[] = [];

  constructor(private readonly options: { gated?: boolean; fails?: Error } = {}) {}

  async write(rejected: readonly RejectedFinding[]): Promise<void> {
    if (this.options.fails) throw this.options.fails;
    if (this.options.gated) await new Promise<void>((resolve) => this.gates.push(resolve));
    this.written.push(...rejected);
  }

  release(): void {
    this.gates.shift()?.();
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** Submits findings and records the ids in ack order. */
function submitAll(delivery: Delivery, batch: Finding[], acked: string[]): void {
  for (const f of batch) delivery.submit(f, () => acked.push(f.id));
}

describe('Delivery', () => {
  it('sends full batches at once, in submission order, and the partial rest on flush', async () => {
    const sink = new RecordingSink('a', 3);
    const delivery = new Delivery({
      sinks: [sink],
      deadLetters: new RecordingDeadLetters(),
      lingerMs: 60_000,
    });
    const acked: string[] = [];
    submitAll(delivery, findings('1', '2', '3', '4', '5', '6', '7'), acked);
    await settled();
    expect(sink.batches).toEqual([
      ['1', '2', '3'],
      ['4', '5', '6'],
    ]);
    expect(acked).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(delivery.pending).toBe(1);
    await delivery.flush();
    expect(sink.batches.at(-1)).toEqual(['7']);
    expect(acked).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(delivery.pending).toBe(0);
    await delivery.close();
  });

  it('sends a partial batch once it has lingered lingerMs', async () => {
    const sink = new RecordingSink('a', 10);
    const delivery = new Delivery({ sinks: [sink], deadLetters: new RecordingDeadLetters(), lingerMs: 5 });
    const acked = deferred<void>();
    delivery.submit(finding('1'), () => undefined);
    delivery.submit(finding('2'), acked.resolve);
    expect(sink.batches).toEqual([]);
    await acked.promise;
    expect(sink.batches).toEqual([['1', '2']]);
    await delivery.close();
  });

  it('keeps at most maxInFlightBatches batches in flight per sink', async () => {
    const sink = new RecordingSink('a', 2, { gated: true });
    const delivery = new Delivery({
      sinks: [sink],
      deadLetters: new RecordingDeadLetters(),
      maxInFlightBatches: 2,
      lingerMs: 60_000,
    });
    const acked: string[] = [];
    submitAll(delivery, findings('1', '2', '3', '4', '5', '6', '7', '8'), acked);
    await settled();
    expect(sink.batches).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
    sink.release();
    await settled();
    expect(acked).toEqual(['1', '2']);
    expect(sink.batches.at(-1)).toEqual(['5', '6']);
    expect(sink.waiting).toBe(2);
    const flushed = delivery.flush();
    while (sink.waiting > 0) {
      sink.release();
      await settled();
    }
    await flushed;
    expect(sink.batches).toEqual([
      ['1', '2'],
      ['3', '4'],
      ['5', '6'],
      ['7', '8'],
    ]);
    expect(acked).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
  });

  it('holds ready() while maxPending findings await acks (backpressure)', async () => {
    const sink = new RecordingSink('a', 2, { gated: true });
    const delivery = new Delivery({
      sinks: [sink],
      deadLetters: new RecordingDeadLetters(),
      maxPending: 4,
      lingerMs: 60_000,
    });
    submitAll(delivery, findings('1', '2', '3'), []);
    await delivery.ready(); // 3 pending < 4
    delivery.submit(finding('4'), () => undefined);
    let ready = false;
    const waiting = delivery.ready().then(() => {
      ready = true;
    });
    await settled();
    expect(delivery.pending).toBe(4);
    expect(ready).toBe(false);
    sink.release();
    await waiting;
    expect(delivery.pending).toBe(2);
    sink.release();
    await delivery.flush();
  });

  it('acks a finding only after every sink accepted it', async () => {
    const fast = new RecordingSink('fast', 10);
    const slow = new RecordingSink('slow', 10, { gated: true });
    const delivery = new Delivery({ sinks: [fast, slow], deadLetters: new RecordingDeadLetters() });
    const acked: string[] = [];
    submitAll(delivery, findings('1', '2'), acked);
    const flushed = delivery.flush();
    await settled();
    expect(fast.batches).toEqual([['1', '2']]);
    expect(slow.batches).toEqual([['1', '2']]);
    expect(acked).toEqual([]);
    expect(delivery.pending).toBe(2);
    slow.release();
    await flushed;
    expect(acked).toEqual(['1', '2']);
  });

  it('dead-letters rejected findings and acks them only once the dead letters are written', async () => {
    const sink = new RecordingSink('ts', 10, {
      reject: (f) => (f.id === '2' ? 'record_too_old' : undefined),
    });
    const deadLetters = new RecordingDeadLetters({ gated: true });
    const delivery = new Delivery({ sinks: [sink], deadLetters });
    const acked: string[] = [];
    submitAll(delivery, findings('1', '2', '3'), acked);
    const flushed = delivery.flush();
    await settled();
    expect(acked).toEqual([]);
    deadLetters.release();
    await flushed;
    expect(acked).toEqual(['1', '2', '3']);
    expect(deadLetters.written).toEqual([
      { finding: finding('2'), sink: 'ts', reason: 'record_too_old', detail: '2 refused' },
    ]);
    expect(delivery.metrics().ts).toMatchObject({ written: 2, rejected: 1, batches: 1, meanBatchSize: 3 });
  });

  it('dead-letters a whole batch as sink_error when send rejects (a sink bug), and reports the sink unhealthy', async () => {
    const broken = new RecordingSink('broken', 2, { throws: new TypeError('cannot read x of undefined') });
    const deadLetters = new RecordingDeadLetters();
    const delivery = new Delivery({ sinks: [broken], deadLetters });
    const acked: string[] = [];
    submitAll(delivery, findings('1', '2', '3', '4', '5', '6'), acked);
    await delivery.flush();
    expect(acked).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(deadLetters.written.map((r) => [r.finding.id, r.sink, r.reason, r.detail])).toEqual(
      ['1', '2', '3', '4', '5', '6'].map((id) => [
        id,
        'broken',
        'sink_error',
        'TypeError: cannot read x of undefined',
      ]),
    );
    expect(delivery.metrics().broken).toMatchObject({ written: 0, rejected: 6, batches: 3, healthy: false });
  });

  it('reports each sink health change once: its own circuit or the one Delivery keeps for it', async () => {
    const health = new SinkHealth();
    const sns = Object.assign(new RecordingSink('sns', 10), { health });
    const broken = new RecordingSink('broken', 1, { throws: new TypeError('bug') });
    const changes: string[] = [];
    const delivery = new Delivery({
      sinks: [sns, broken],
      deadLetters: new RecordingDeadLetters(),
      onSinkHealth: (sink, healthy) => changes.push(`${sink} ${healthy ? 'healthy' : 'unhealthy'}`),
    });
    submitAll(delivery, findings('1', '2', '3', '4'), []);
    await delivery.flush();
    for (let i = 0; i < 4; i += 1) health.recordFailure();
    health.recordSuccess();
    expect(changes).toEqual(['broken unhealthy', 'sns unhealthy', 'sns healthy']);
  });

  it('dead-letters findings a sink left out of its outcome', async () => {
    const sink = new RecordingSink('lossy', 10, { drop: '2' });
    const deadLetters = new RecordingDeadLetters();
    const delivery = new Delivery({ sinks: [sink], deadLetters });
    submitAll(delivery, findings('1', '2'), []);
    await delivery.flush();
    expect(deadLetters.written).toEqual([
      {
        finding: finding('2'),
        sink: 'lossy',
        reason: 'sink_error',
        detail: 'missing from the batch outcome',
      },
    ]);
  });

  it('never acks when the dead letters cannot be written: flush rejects instead', async () => {
    const sink = new RecordingSink('a', 10, { reject: () => 'invalid_parameter' });
    const diskFull = new Error('ENOSPC: no space left on device');
    const delivery = new Delivery({
      sinks: [sink],
      deadLetters: new RecordingDeadLetters({ fails: diskFull }),
    });
    const acked: string[] = [];
    submitAll(delivery, findings('1'), acked);
    await expect(delivery.flush()).rejects.toBe(diskFull);
    await expect(delivery.ready()).rejects.toBe(diskFull);
    expect(acked).toEqual([]);
    expect(delivery.pending).toBe(1);
  });

  it('counts metrics per sink and reports the health of a sink that keeps its own circuit', async () => {
    const health = new SinkHealth();
    const sns = Object.assign(new RecordingSink('sns', 10, { retries: 2 }), { health });
    const jsonl = new RecordingSink('jsonl', 4);
    const delivery = new Delivery({ sinks: [sns, jsonl], deadLetters: new RecordingDeadLetters() });
    submitAll(delivery, findings('1', '2', '3', '4', '5', '6'), []);
    await delivery.flush();
    for (let i = 0; i < 3; i += 1) health.recordFailure();
    const metrics = delivery.metrics();
    expect(Object.keys(metrics)).toEqual(['sns', 'jsonl']);
    expect(metrics.sns).toEqual({
      written: 6,
      retried: 2,
      rejected: 0,
      batches: 1,
      meanBatchSize: 6,
      latencyMs: { mean: expect.any(Number), max: expect.any(Number), p99: expect.any(Number) },
      healthy: false,
    });
    expect(metrics.jsonl).toMatchObject({
      written: 6,
      retried: 0,
      batches: 2,
      meanBatchSize: 3,
      healthy: true,
    });
  });

  it('close() flushes, then closes every sink and the dead-letter sink', async () => {
    const a = new RecordingSink('a', 10);
    const b = new RecordingSink('b', 10);
    const deadLetters = new RecordingDeadLetters();
    const delivery = new Delivery({ sinks: [a, b], deadLetters, lingerMs: 60_000 });
    const acked: string[] = [];
    submitAll(delivery, findings('1'), acked);
    await delivery.close();
    expect(acked).toEqual(['1']);
    expect([a.batches, b.batches]).toEqual([[['1']], [['1']]]);
    expect([a.closed, b.closed, deadLetters.closed]).toEqual([true, true, true]);
  });

  it('acks at once when no sink is enabled', async () => {
    const delivery = new Delivery({ sinks: [], deadLetters: new RecordingDeadLetters() });
    const acked: string[] = [];
    submitAll(delivery, findings('1'), acked);
    expect(acked).toEqual(['1']);
    expect(delivery.pending).toBe(0);
    await delivery.flush();
  });
});

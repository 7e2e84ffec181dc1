import { describe, expect, it } from 'vitest';
import { listInputFiles } from '../../processor/pipeline/replay.js';
import type { FindingDeadLetterSink } from '../../processor/sinks/dead-letter-file.js';
import { Delivery } from '../../processor/sinks/delivery.js';
import type { BatchOutcome, FindingSink, RejectedFinding } from '../../processor/sinks/sink.js';
import type { Finding } from '../../schemas/types.js';
import { type CheckpointChange, END_OF_INPUT, replayIntoDelivery } from './replay-with-delivery.js';

/**
 * OutageSink (test double): accepts batches, except while `down`, when each send waits (as a sink retrying
 * inside would) until `recover()`. `onBlocked` runs after each send that had to wait.
 */
class OutageSink implements FindingSink {
  readonly name = 'outage';
  readonly maxBatch = 5;
  readonly received: Finding[] = [];
  down = false;
  onBlocked: () => void = () => undefined;
  private waiting: (() => void)[] = [];

  async send(findings: readonly Finding[]): Promise<BatchOutcome> {
    if (this.down) {
      const recovered = new Promise<void>((resolve) => this.waiting.push(resolve));
      this.onBlocked();
      await recovered;
    }
    this.received.push(...findings);
    return { accepted: [...findings], rejected: [], retries: 0 };
  }

  recover(): void {
    this.down = false;
    for (const resolve of this.waiting.splice(0)) resolve();
  }

  async close(): Promise<void> {}
}

/** NoDeadLetters (test double): fails the test if anything is dead-lettered. */
const noDeadLetters: FindingDeadLetterSink = {
  write: async (rejected: readonly RejectedFinding[]) => {
    throw new Error(`unexpected dead letters: ${rejected.map((r) => r.reason).join(', ')}`);
  },
  close: async () => undefined,
};

describe('replayIntoDelivery', () => {
  it('delivers every finding of the samples once and never checkpoints past an unaccepted finding during an outage', async () => {
    const files = await listInputFiles(['samples']);
    const sink = new OutageSink();
    const maxPending = 10;
    const delivery = new Delivery({ sinks: [sink], deadLetters: noDeadLetters, maxPending, lingerMs: 1 });
    // Down from the first checkpoint on; back once backpressure holds the reader (maxPending unacked).
    let outages = 0;
    let blockedAtRecovery = 0;
    sink.onBlocked = () => {
      if (delivery.pending < maxPending) return;
      blockedAtRecovery = delivery.pending;
      sink.recover();
    };
    const seen: { change: CheckpointChange; received: number; down: boolean }[] = [];
    const onCheckpoint = (change: CheckpointChange) => {
      seen.push({ change, received: sink.received.length, down: sink.down });
      if (outages === 0) {
        outages = 1;
        sink.down = true;
      }
    };
    const result = await replayIntoDelivery({ files, delivery, onCheckpoint });

    expect(blockedAtRecovery).toBeGreaterThanOrEqual(maxPending);
    expect(seen.filter((s) => s.down).length).toBeGreaterThan(0);
    // Each checkpoint: every finding held at or before it had been accepted by the sink at that moment.
    for (const { change, received } of seen) {
      const accepted = new Set(sink.received.slice(0, received));
      const covered = result.submitted.filter((s) => s.input === change.input && s.event <= change.position);
      expect(covered.filter((s) => !accepted.has(s.finding))).toEqual([]);
    }
    // None lost, none duplicated.
    expect(sink.received).toHaveLength(result.findings.length);
    expect(new Set(sink.received)).toEqual(new Set(result.findings));
    expect(delivery.pending).toBe(0);
    // Each input ends checkpointed at its last finding-emitting event.
    const lastEvent = new Map<string, number>();
    for (const { input, event } of result.submitted) lastEvent.set(input, event);
    expect(result.finalCheckpoints).toEqual(lastEvent);
    expect(result.findings.length).toBe(result.submitted.length);
    expect([...lastEvent.keys()].every((input) => input === END_OF_INPUT || files.includes(input))).toBe(
      true,
    );
  });
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Finding } from '../../../schemas/types.js';
import { SnsServer } from '../../../test/aws/sns-server.js';
import { type CheckpointChange, replayIntoDelivery } from '../../../test/sinks/replay-with-delivery.js';
import { listInputFiles } from '../../pipeline/replay.js';
import { DeadLetterFile } from '../dead-letter-file.js';
import { Delivery } from '../delivery.js';
import { SnsSink } from './sns-sink.js';
import { routeFinding, type SnsTopics } from './topic-routing.js';

const TOPICS: SnsTopics = {
  alert: 'arn:aws:sns:us-east-1:999999999999:security-alerts.fifo',
  notify: 'arn:aws:sns:us-east-1:999999999999:security-notify.fifo',
};
const TEAMS = {
  '111122223333': { team: 'payments' },
  '444455556666': { team: 'identity', topicArn: 'arn:aws:sns:us-east-1:999999999999:team-identity.fifo' },
};
const OUTAGE_MS = 30_000;

type Observed = { kind: 'ack'; finding: Finding; at: number } | ({ kind: 'checkpoint' } & CheckpointChange);

/** Delivery that logs every ack, in order with the checkpoint changes the acks cause. */
class ObservedDelivery extends Delivery {
  readonly log: Observed[] = [];

  override submit(finding: Finding, onAcked: () => void): void {
    super.submit(finding, () => {
      this.log.push({ kind: 'ack', finding, at: Date.now() });
      onAcked();
    });
  }
}

let sns: SnsServer;

beforeEach(async () => {
  sns = await SnsServer.start();
});

afterEach(async () => {
  await sns.close();
});

describe('SnsSink during a 30-second SNS outage in a replay of the samples', () => {
  it('loses and duplicates nothing, and holds the checkpoint back until SNS is back', async () => {
    const sink = new SnsSink({
      client: {
        region: 'us-east-1',
        endpoint: sns.endpoint,
        credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
      },
      topics: TOPICS,
      teams: TEAMS,
      // Waits up to 2 s; 60 attempts outlast 30 s by far (expected total wait ~58 s).
      retry: { maxAttempts: 60, baseDelayMs: 200, maxDelayMs: 2000 },
    });
    const deadLetterPath = join(mkdtempSync(join(tmpdir(), 'sns-outage-')), 'dead-letters.jsonl');
    const delivery = new ObservedDelivery({
      sinks: [sink],
      deadLetters: new DeadLetterFile(deadLetterPath),
      maxPending: 3,
      lingerMs: 20,
    });
    let outage: { start: number; end: number } | undefined;
    const files = await listInputFiles([join(import.meta.dirname, '../../../samples')]);

    const result = await replayIntoDelivery({
      files,
      delivery,
      onCheckpoint: (change) => {
        delivery.log.push({ kind: 'checkpoint', ...change });
        // SNS fails once the first findings are through: the rest of the replay runs into the outage.
        if (!outage) {
          const start = Date.now();
          outage = { start, end: sns.outage(OUTAGE_MS) };
        }
      },
    });
    const replayEnded = Date.now();
    await delivery.close();
    if (!outage) throw new Error('no finding was ever acked');
    const { start, end } = outage;

    // Nothing lost, nothing duplicated: each (topic, finding id, count) delivered exactly once.
    const expected = result.findings.flatMap((finding) =>
      routeFinding(finding, TOPICS, TEAMS).topicArns.map(
        (topic) => `${topic} ${finding.id}:${finding.count}`,
      ),
    );
    const delivered = sns.messages.map((message) => `${message.topicArn} ${message.deduplicationId}`);
    expect(result.findings).toHaveLength(87);
    expect(delivered.sort()).toEqual(expected.sort());
    expect(new Set(delivered).size).toBe(delivered.length);
    expect(sns.duplicates).toEqual([]);
    const metrics = delivery.metrics().sns;
    expect([metrics?.written, metrics?.rejected]).toEqual([87, 0]);
    expect(metrics?.retried).toBeGreaterThan(0);
    expect(sns.requests.filter((request) => request.status === 503).length).toBeGreaterThan(0);

    // SNS accepted nothing during the outage; findings published after it were acked only then.
    expect(sns.messages.filter((message) => message.acceptedAt >= start && message.acceptedAt < end)).toEqual(
      [],
    );
    const publishedBefore = (finding: Finding) => {
      const messages = sns.messages.filter((m) => m.deduplicationId === `${finding.id}:${finding.count}`);
      return messages.length > 0 && messages.every((message) => message.acceptedAt < start);
    };
    const acks = delivery.log.flatMap((entry) => (entry.kind === 'ack' ? [entry] : []));
    // Findings of the log tier have no topic here: the sink acks them at once.
    const routed = (finding: Finding) => routeFinding(finding, TOPICS, TEAMS).topicArns.length > 0;
    const heldBack = acks.filter((ack) => routed(ack.finding) && !publishedBefore(ack.finding));
    expect(heldBack.length).toBeGreaterThan(0);
    for (const ack of heldBack) expect(ack.at).toBeGreaterThanOrEqual(end);

    // So checkpoints could not pass a record with a held-back finding while SNS was down: each input with
    // held-back findings stood still during the outage and moved on once SNS was back.
    const checkpoints = delivery.log.flatMap((entry) => (entry.kind === 'checkpoint' ? [entry] : []));
    const resumed = [...new Set(checkpoints.filter((c) => c.at >= end).map((c) => c.input))];
    expect(resumed.length).toBeGreaterThan(0);
    for (const input of resumed) {
      const during = checkpoints.filter((c) => c.input === input && c.at < end).map((c) => c.position);
      const last = during.length > 0 ? Math.max(...during) : -1;
      expect(last).toBeLessThan(result.finalCheckpoints.get(input) ?? -1);
    }
    // Backpressure: the replay could not finish while SNS was down.
    expect(replayEnded).toBeGreaterThanOrEqual(end);
  }, 90_000);
});

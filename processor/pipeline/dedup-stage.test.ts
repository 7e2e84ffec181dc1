import { describe, expect, it } from 'vitest';
import { minutes } from '../../detections/operators/index.js';
import type { Finding } from '../../schemas/types.js';
import { DedupStage, type PipelineMoment } from './dedup-stage.js';

const finding = (id: string, minute: number, count = 1): Finding => ({
  id,
  detection: 'root-usage',
  title: id,
  description: '',
  severity: 'high',
  tier: 'alert',
  riskScore: 75,
  time: minutes(minute),
  window: null,
  account: '111122223333',
  region: 'us-east-1',
  principal: null,
  resources: [],
  mitre: [],
  evidence: [`e-${id}`],
  count,
  runbook: 'https://example.com/runbook',
  remediation: 'fix it',
  dedupKey: '111122223333',
  context: {},
});

/** One step of a script: a finding carried by record `sequence`, or the watermark moving to `watermark` (minutes). */
type Step = { record: number; finding: Finding } | { watermark: number };

const record = (sequence: number, f: Finding): Step => ({ record: sequence, finding: f });

/** Runs steps through a stage (optionally from index `from`), returning [id, count] emitted in order. */
function play(stage: DedupStage, steps: readonly Step[], from = 0): [string, number][] {
  const out: [string, number][] = [];
  const emit = (f: Finding) => out.push([f.id, f.count]);
  for (const step of steps.slice(from)) {
    if ('record' in step) {
      const moment: PipelineMoment = { kind: 'record', shard: 's', sequence: BigInt(step.record) };
      stage.accept(step.finding, moment, emit);
    } else stage.advance(minutes(step.watermark), emit);
  }
  return out;
}

const lastCounts = (emitted: readonly [string, number][]) => new Map(emitted);

describe('DedupStage save and restore', () => {
  const steps: Step[] = [
    record(1, finding('f1', 5)),
    record(2, finding('f2', 10, 2)),
    { watermark: 20 },
    record(3, finding('f3', 30)),
    record(4, finding('f4', 40)),
    { watermark: 61 }, // closes the 00:00 bucket: roll-up of 5
    record(5, finding('f5', 65)),
    record(6, finding('f6', 70)),
    { watermark: 130 },
  ];

  it('emits the first of a bucket at once and one roll-up at its close, as the dedup operator does', () => {
    const emitted = play(new DedupStage(minutes(60)), steps);
    expect(emitted.map(([, count]) => count)).toEqual([1, 5, 1, 2]);
  });

  it('a taker replaying from an earlier checkpoint with the saved buckets merges each finding once', () => {
    const whole = play(new DedupStage(minutes(60)), steps);
    for (let savedAfter = 1; savedAfter <= steps.length; savedAfter += 1) {
      for (let replayFrom = 0; replayFrom <= savedAfter; replayFrom += 1) {
        const owner = new DedupStage(minutes(60));
        const before = play(owner, steps.slice(0, savedAfter));
        const processed = steps
          .slice(0, savedAfter)
          .filter((s): s is { record: number; finding: Finding } => 'record' in s);
        const watermarks = steps
          .slice(0, savedAfter)
          .flatMap((s) => ('watermark' in s ? [minutes(s.watermark)] : []));
        // The checkpoint's replay starts at step `replayFrom`: buckets closing by the watermark before it are not needed.
        const replayWatermark = steps
          .slice(0, replayFrom)
          .reduce((w, s) => ('watermark' in s ? minutes(s.watermark) : w), Number.NEGATIVE_INFINITY);
        owner.forgetClosedUpTo(replayWatermark);
        const saved = owner.save();
        const taker = new DedupStage(minutes(60));
        taker.restore(saved, {
          shard: 's',
          through: processed.length > 0 ? BigInt((processed.at(-1) as { record: number }).record) : null,
          watermark: watermarks.at(-1) ?? Number.NEGATIVE_INFINITY,
        });
        taker.advance(replayWatermark, () => undefined);
        const after = play(taker, steps, replayFrom);
        const seen = lastCounts([...before, ...after]);
        expect({ savedAfter, replayFrom, counts: seen }).toEqual({
          savedAfter,
          replayFrom,
          counts: lastCounts(whole),
        });
        // What the taker emits for an id never has a lower count than what the owner emitted for it.
        for (const [id, count] of after) {
          const earlier = before.filter(([other]) => other === id).map(([, c]) => c);
          expect(count).toBeGreaterThanOrEqual(Math.min(...earlier, count));
        }
      }
    }
  });

  it('a taker re-emits the first finding of a saved bucket it replays (the owner may have died before the ack)', () => {
    const owner = new DedupStage(minutes(60));
    play(owner, steps.slice(0, 2));
    const taker = new DedupStage(minutes(60));
    taker.restore(owner.save(), { shard: 's', through: 2n, watermark: Number.NEGATIVE_INFINITY });
    const emitted = play(taker, steps.slice(0, 6));
    expect(emitted.map(([, count]) => count)).toEqual([1, 5]);
  });
});

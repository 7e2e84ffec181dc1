import { describe, expect, it } from 'vitest';
import { minutes } from '../../detections/operators/index.js';
import type { Finding } from '../../schemas/types.js';
import { DedupStage, type PipelineMoment } from './dedup-stage.js';
import { EmittedFindings } from './emitted-findings.js';

const finding = (id: string, minute: number, count = 1, windowEnd?: number): Finding => ({
  id,
  detection: 'root-usage',
  title: id,
  description: '',
  severity: 'high',
  tier: 'alert',
  riskScore: 75,
  time: minutes(minute),
  window: windowEnd === undefined ? null : { start: minutes(minute), end: minutes(windowEnd) },
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

/** A dedup stage behind the pipeline's repeat filter: what a sink receives, as [id, count]. */
class Run {
  readonly out: [string, number][] = [];
  readonly emitted = new EmittedFindings(100);
  constructor(readonly stage: DedupStage) {}
  readonly emit = (f: Finding) => {
    if (this.emitted.classify(f) !== 'repeat') this.out.push([f.id, f.count]);
  };
  play(steps: readonly Step[]): this {
    for (const step of steps) {
      if ('record' in step) {
        const moment: PipelineMoment = { kind: 'record', shard: 's', sequence: BigInt(step.record) };
        this.stage.accept(step.finding, moment, this.emit);
      } else this.stage.advance(minutes(step.watermark), this.emit);
    }
    return this;
  }
}

const lastCounts = (emitted: readonly [string, number][]) => new Map(emitted);
const watermarkBefore = (steps: readonly Step[], index: number) =>
  steps
    .slice(0, index)
    .reduce((w, s) => ('watermark' in s ? minutes(s.watermark) : w), Number.NEGATIVE_INFINITY);

describe('DedupStage', () => {
  const steps: Step[] = [
    record(1, finding('f1', 5)),
    record(2, finding('f2', 10, 2)),
    { watermark: 20 },
    record(3, finding('f3', 30)),
    record(4, finding('f4', 40)),
    { watermark: 61 }, // closes the 00:00 bucket: roll-up of 5
    record(5, finding('f5', 65)),
    record(6, finding('late', 50, 1, 70)), // due after its bucket's end: passes alone, count 1 < 5 (no news)
    record(7, finding('f6', 70)),
    { watermark: 125 },
    record(8, finding('f7', 130)),
    { watermark: 200 },
  ];

  it('emits the first of a bucket at once and one roll-up at its close, as the dedup operator does', () => {
    const run = new Run(new DedupStage(minutes(60))).play(steps);
    expect(run.out.map(([, count]) => count)).toEqual([1, 5, 1, 2, 1]);
    expect(run.stage.save()).toEqual([]); // not saved with checkpoints: nothing closed is kept
  });

  it('while catching up, emits a first finding with its bucket close, or once caught up if still open', () => {
    const run = new Run(new DedupStage(minutes(60), undefined, { catchingUp: true })).play(
      steps.slice(0, 10),
    );
    expect(run.out.map(([, count]) => count)).toEqual([5, 2]); // roll-ups only
    run.play(steps.slice(10, 11));
    run.stage.caughtUp(run.emit);
    expect(run.out.map(([, count]) => count)).toEqual([5, 2, 1]); // f7's bucket is still open: its first now
    run.play(steps.slice(11));
    expect(run.out.map(([, count]) => count)).toEqual([5, 2, 1]);
  });

  it('a taker from any checkpoint merges each finding once, ends with the same counts and never lowers one', () => {
    const whole = new Run(new DedupStage(minutes(60))).play(steps);
    const expected = JSON.stringify([...lastCounts(whole.out)]);
    const problems: string[] = [];
    for (let diedAt = 1; diedAt <= steps.length; diedAt += 1) {
      for (let savedAfter = 0; savedAfter <= diedAt; savedAfter += 1) {
        for (let replayFrom = 0; replayFrom <= savedAfter; replayFrom += 1) {
          const owner = new Run(new DedupStage(minutes(60), undefined, { saved: true }));
          owner.play(steps.slice(0, savedAfter));
          const replayWatermark = watermarkBefore(steps, replayFrom);
          const processed = steps
            .slice(0, savedAfter)
            .flatMap((s) => ('record' in s ? [BigInt(s.record)] : []));
          const saved = owner.stage.save(replayWatermark - minutes(60));
          const last = processed.at(-1);
          const point = {
            through: last === undefined ? ({} as Record<string, bigint>) : { s: last },
            watermark: watermarkBefore(steps, savedAfter),
          };
          owner.play(steps.slice(savedAfter, diedAt)); // then it dies, after some emissions a sink may have seen
          const taker = new Run(new DedupStage(minutes(60), undefined, { catchingUp: true, saved: true }));
          for (const [id, count] of taker.stage.restore(saved, point, replayWatermark))
            taker.emitted.seen(id, count);
          taker.stage.advance(replayWatermark, taker.emit);
          for (let index = replayFrom; index < steps.length; index += 1) {
            if (index === diedAt) taker.stage.caughtUp(taker.emit);
            taker.play([steps[index] as Step]);
          }
          if (diedAt === steps.length) taker.stage.caughtUp(taker.emit);
          const seen = [...owner.out, ...taker.out];
          const context = `died after ${diedAt}, saved after ${savedAfter}, replayed from ${replayFrom}`;
          const counts = JSON.stringify([...lastCounts(seen)]);
          if (counts !== expected) problems.push(`${context}: ${counts}`);
          const highest = new Map<string, number>();
          for (const [id, count] of seen) {
            if (count < (highest.get(id) ?? 0)) problems.push(`${context}: ${id} down to ${count}`);
            highest.set(id, Math.max(count, highest.get(id) ?? 0));
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('a taker counts once a relayed finding it meets again on a later record (re-published after a source takeover)', () => {
    const owner = new Run(new DedupStage(minutes(60), undefined, { saved: true }));
    owner.play([record(1, finding('f1', 5)), record(2, finding('f2', 10))]);
    const saved = owner.stage.save();
    expect(saved.map((bucket) => bucket.merged)).toEqual([['f1', 'f2']]);
    const taker = new Run(new DedupStage(minutes(60), undefined, { catchingUp: true, saved: true }));
    taker.stage.restore(saved, { through: { s: 2n }, watermark: Number.NEGATIVE_INFINITY }, 0);
    // f2 published again by ingest after its source shard changed hands: a new keyed record, the same finding.
    taker.play([record(3, finding('f2', 10)), record(4, finding('f3', 20)), { watermark: 61 }]);
    expect(taker.out.map(([, count]) => count)).toEqual([3]);
  });
});

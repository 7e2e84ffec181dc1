import { describe, expect, it } from 'vitest';
import { WatermarkClock } from '../pipeline/watermarks.js';
import { CheckpointHorizon, ShardPositions } from './checkpoint-horizon.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = Date.UTC(2026, 10, 24, 9);

function setup() {
  const clock = new WatermarkClock(5 * MINUTE);
  clock.open('shard-0');
  const horizon = new CheckpointHorizon({ clock, horizonMs: HOUR });
  return { clock, horizon };
}

describe('CheckpointHorizon', () => {
  it('allows event times up to watermark − horizon when no finding awaits acks', () => {
    const { clock, horizon } = setup();
    expect(horizon.limit()).toBe(Number.NEGATIVE_INFINITY);
    clock.observe('shard-0', T0 + 2 * HOUR);
    expect(horizon.limit()).toBe(T0 + 2 * HOUR - 5 * MINUTE - HOUR);
  });

  it('holds the limit at the last watermark read before an unacked finding fired, until it is acked', () => {
    const { clock, horizon } = setup();
    clock.observe('shard-0', T0 + 2 * HOUR);
    const before = horizon.limit(); // watermark T0 + 1:55 read between pushes
    clock.observe('shard-0', T0 + 5 * HOUR); // a big jump: windows fire during this push
    const release = horizon.hold();
    const alsoAtThisWatermark = horizon.hold();
    clock.observe('shard-0', T0 + 6 * HOUR);
    expect(horizon.limit()).toBe(before);
    release();
    expect(horizon.limit()).toBe(before);
    alsoAtThisWatermark();
    expect(horizon.limit()).toBe(T0 + 6 * HOUR - 5 * MINUTE - HOUR);
  });

  it('advances past acked epochs but stops at the oldest unacked one', () => {
    const { clock, horizon } = setup();
    clock.observe('shard-0', T0 + 2 * HOUR);
    horizon.limit();
    const first = horizon.hold(); // at watermark 1:55
    clock.observe('shard-0', T0 + 3 * HOUR);
    horizon.limit();
    const second = horizon.hold(); // at watermark 2:55, which was read between pushes
    clock.observe('shard-0', T0 + 4 * HOUR);
    expect(horizon.limit()).toBe(T0 + 2 * HOUR - 5 * MINUTE - HOUR);
    first();
    expect(horizon.limit()).toBe(T0 + 3 * HOUR - 5 * MINUTE - HOUR);
    second();
    expect(horizon.limit()).toBe(T0 + 4 * HOUR - 5 * MINUTE - HOUR);
  });
});

describe('ShardPositions', () => {
  it('checkpoints the last record that is acked and behind the horizon, each position once', () => {
    const { clock, horizon } = setup();
    const positions = new ShardPositions(horizon);
    const record = (sequence: string, times: number[]) => {
      positions.begin(sequence, times);
      for (const time of times) clock.observe('shard-0', time);
      positions.end();
    };
    record('100', [T0]);
    record('101', [T0 + 10 * MINUTE]);
    expect(positions.checkpointable()).toBeUndefined(); // watermark T0 + 5 min: both inside the horizon
    record('102', [T0 + 2 * HOUR]); // watermark 1:55 → limit 0:55
    expect(positions.checkpointable()?.sequence).toBe('101');
    expect(positions.checkpointable()).toBeUndefined();
    expect(positions.outstanding).toBe(1);
  });

  it('holds a record whose findings are not acked, and everything after it', () => {
    const { clock, horizon } = setup();
    const positions = new ShardPositions(horizon);
    positions.begin('1', [T0]);
    const release = positions.hold();
    positions.end();
    positions.begin('2', [T0 + MINUTE]);
    positions.end();
    clock.observe('shard-0', T0 + 3 * HOUR);
    expect(positions.checkpointable()).toBeUndefined();
    release();
    expect(positions.checkpointable()?.sequence).toBe('2');
  });

  it('uses the running maximum event time, so an older event after a newer one does not open a gap', () => {
    const { clock, horizon } = setup();
    const positions = new ShardPositions(horizon);
    positions.begin('1', [T0, T0 + HOUR]);
    positions.end();
    positions.begin('2', [T0 + MINUTE]); // older than record 1's newest event
    positions.end();
    positions.begin('3', []); // dead-lettered: no events
    positions.end();
    clock.observe('shard-0', T0 + 2 * HOUR + 4 * MINUTE); // limit T0 + 0:59: record 1 (max 1:00) not yet
    expect(positions.checkpointable()).toBeUndefined();
    clock.observe('shard-0', T0 + 2 * HOUR + 5 * MINUTE); // limit T0 + 1:00
    expect(positions.checkpointable()?.sequence).toBe('3');
  });

  it('reports the greatest event time and the watermark right after the checkpointed record', () => {
    const { clock, horizon } = setup();
    const positions = new ShardPositions(horizon, T0 + 30 * MINUTE); // a taker: the checkpoint's max time
    positions.begin('1', [T0]);
    clock.observe('shard-0', T0 + 40 * MINUTE);
    positions.end();
    positions.begin('2', [T0 + 50 * MINUTE]);
    positions.end();
    clock.observe('shard-0', T0 + 3 * HOUR);
    expect(positions.checkpointable()).toEqual({
      sequence: '2',
      maxTime: T0 + 50 * MINUTE,
      watermark: T0 + 35 * MINUTE,
      limit: T0 + 3 * HOUR - 5 * MINUTE - HOUR,
    });
  });

  it('never checkpoints work that is no record of the shard, but lets it hold later records', () => {
    const { clock, horizon } = setup();
    const positions = new ShardPositions(horizon);
    positions.begin(null, []); // a child replaying its parents' tails
    const release = positions.hold();
    positions.raise(T0 + HOUR);
    positions.end();
    positions.begin('7', [T0]);
    positions.end();
    clock.observe('shard-0', T0 + 2 * HOUR + 4 * MINUTE); // limit 0:59: the tails' 1:00 event is inside
    release();
    expect(positions.checkpointable()).toBeUndefined();
    clock.observe('shard-0', T0 + 3 * HOUR);
    expect(positions.checkpointable()?.sequence).toBe('7');
  });

  it('knows the greatest event time up to the last fully acked record, inside the horizon or not', () => {
    const { clock, horizon } = setup();
    const positions = new ShardPositions(horizon, T0 - HOUR);
    expect(positions.resolvedMaxTime).toBe(T0 - HOUR);
    positions.begin('1', [T0]);
    positions.end();
    positions.begin('2', [T0 + 10 * MINUTE]);
    const release = positions.hold(); // published, not yet acked
    positions.end();
    positions.begin('3', [T0 + 20 * MINUTE]);
    positions.end();
    clock.observe('shard-0', T0 + 20 * MINUTE); // everything inside the horizon: nothing checkpointable
    expect(positions.checkpointable()).toBeUndefined();
    expect(positions.resolvedMaxTime).toBe(T0);
    release();
    expect(positions.resolvedMaxTime).toBe(T0 + 20 * MINUTE);
  });
});

import { describe, expect, it } from 'vitest';
import { AckedPositions, AckedPositionsMisuseError } from './acked-positions.js';

/** Begins `position`, holds `findings` findings against it, ends it; returns the release functions. */
function processRecord(
  positions: AckedPositions<string>,
  position: string,
  findings: number,
): (() => void)[] {
  positions.begin(position);
  const releases = Array.from({ length: findings }, () => positions.hold());
  positions.end();
  return releases;
}

describe('AckedPositions', () => {
  it('has nothing to checkpoint before a record is processed', () => {
    const positions = new AckedPositions<string>();
    expect(positions.checkpointable).toBeUndefined();
    positions.begin('1');
    expect(positions.checkpointable).toBeUndefined();
  });

  it('advances over records without findings as soon as they end', () => {
    const positions = new AckedPositions<string>();
    processRecord(positions, '10', 0);
    expect(positions.checkpointable).toBe('10');
    processRecord(positions, '11', 0);
    expect(positions.checkpointable).toBe('11');
    expect(positions.outstanding).toBe(0);
  });

  it('holds a record until all its findings are acked, in-order releases', () => {
    const positions = new AckedPositions<string>();
    const [a, b] = processRecord(positions, '1', 2) as [() => void, () => void];
    processRecord(positions, '2', 0);
    expect(positions.checkpointable).toBeUndefined();
    a();
    expect(positions.checkpointable).toBeUndefined();
    b();
    expect(positions.checkpointable).toBe('2');
  });

  it('does not pass an unacked record when later ones are acked first (out-of-order releases)', () => {
    const positions = new AckedPositions<string>();
    const [first] = processRecord(positions, '1', 1) as [() => void];
    const [second] = processRecord(positions, '2', 1) as [() => void];
    const [third] = processRecord(positions, '3', 1) as [() => void];
    processRecord(positions, '4', 0);
    third();
    second();
    expect(positions.checkpointable).toBeUndefined();
    expect(positions.outstanding).toBe(4);
    first();
    expect(positions.checkpointable).toBe('4');
    expect(positions.outstanding).toBe(0);
  });

  it('stops at the record still being processed even if its findings are acked', () => {
    const positions = new AckedPositions<string>();
    processRecord(positions, '1', 0);
    positions.begin('2');
    positions.hold()();
    expect(positions.checkpointable).toBe('1');
    positions.end();
    expect(positions.checkpointable).toBe('2');
  });

  it('ignores a second call of the same release', () => {
    const positions = new AckedPositions<string>();
    positions.begin('1');
    const release = positions.hold();
    const other = positions.hold();
    positions.end();
    release();
    release();
    expect(positions.checkpointable).toBeUndefined();
    other();
    expect(positions.checkpointable).toBe('1');
  });

  it('keeps only unacked records in memory over a long run', () => {
    const positions = new AckedPositions<number>();
    const stuck = (() => {
      positions.begin(0);
      const release = positions.hold();
      positions.end();
      return release;
    })();
    for (let n = 1; n <= 5000; n += 1) {
      positions.begin(n);
      const release = positions.hold();
      positions.end();
      release();
    }
    expect(positions.outstanding).toBe(5001);
    stuck();
    expect(positions.checkpointable).toBe(5000);
    expect(positions.outstanding).toBe(0);
  });

  it('rejects calls out of order', () => {
    const positions = new AckedPositions<string>();
    expect(() => positions.hold()).toThrow(AckedPositionsMisuseError);
    expect(() => positions.end()).toThrow('end() without begin()');
    positions.begin('1');
    expect(() => positions.begin('2')).toThrow('begin() before the previous record ended');
  });
});

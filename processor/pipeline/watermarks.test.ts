import { describe, expect, it } from 'vitest';
import { WatermarkClock } from './watermarks.js';

function recorded(clock: WatermarkClock): number[] {
  const seen: number[] = [];
  clock.watermark$.subscribe((watermark) => seen.push(watermark));
  return seen;
}

describe('WatermarkClock', () => {
  it('is max event time minus lateness for one input, and never goes back', () => {
    const clock = new WatermarkClock(100);
    const seen = recorded(clock);
    clock.open('a');
    expect(clock.watermark).toBe(Number.NEGATIVE_INFINITY);
    clock.observe('a', 1000);
    clock.observe('a', 900); // out of order: max stays 1000
    clock.observe('a', 1500);
    expect(seen).toEqual([900, 1400]);
    expect(clock.watermark).toBe(1400);
    expect(clock.latest).toBe(1500);
  });

  it('is the minimum over open inputs; an input with no events yet holds it back', () => {
    const clock = new WatermarkClock(0);
    const seen = recorded(clock);
    clock.open('a');
    clock.open('b');
    clock.observe('a', 5000);
    expect(seen).toEqual([]);
    clock.observe('b', 3000);
    expect(seen).toEqual([3000]);
    clock.observe('b', 7000);
    expect(seen).toEqual([3000, 5000]);
  });

  it('lets the others advance when an input closes, and holds its value when none is open', () => {
    const clock = new WatermarkClock(0);
    const seen = recorded(clock);
    clock.open('slow');
    clock.open('fast');
    clock.observe('slow', 1000);
    clock.observe('fast', 9000);
    clock.close('slow');
    expect(seen).toEqual([1000, 9000]);
    clock.close('fast');
    clock.open('next-file');
    clock.observe('next-file', 2000); // behind the watermark: late, no regression
    expect(clock.watermark).toBe(9000);
    expect(seen).toEqual([1000, 9000]);
  });

  it('an input seen without open() still counts', () => {
    const clock = new WatermarkClock(10);
    clock.observe('implicit', 110);
    expect(clock.watermark).toBe(100);
  });

  it('without inputs follows a watermark carried by the stream; event times only move `latest`', () => {
    const clock = new WatermarkClock(300_000);
    const seen = recorded(clock);
    clock.saw(5000);
    expect(clock.watermark).toBe(Number.NEGATIVE_INFINITY);
    clock.advanceTo(1000);
    clock.advanceTo(800); // an older promise (a staler producer): no regression
    clock.saw(4000);
    clock.advanceTo(2000);
    expect(seen).toEqual([1000, 2000]);
    expect(clock.latest).toBe(5000);
  });
});

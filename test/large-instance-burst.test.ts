import { describe, expect, it } from 'vitest';
import { detection as largeInstanceBurst } from '../detections/catalog/cloudtrail/ec2-large-instance-burst/detection.js';
import { minutes } from '../detections/operators/index.js';
import { decodeJson } from '../processor/decode/index.js';
import { Pipeline } from '../processor/pipeline/pipeline.js';
import { WatermarkClock } from '../processor/pipeline/watermarks.js';
import { DEFAULT_STATE_OPTIONS, StateCache } from '../processor/state/index.js';
import type { Finding, SecurityEvent } from '../schemas/types.js';
import { runInstancesRecord } from './cloudtrail.js';

const DAY = Date.UTC(2026, 10, 24);
const LATENESS = minutes(5);
const ACCOUNTS = ['111122223333', '444455556666', '777788889999'];

let sequence = 0;

function runInstances(account: string, time: number, instanceType: string): SecurityEvent {
  sequence += 1;
  const record = runInstancesRecord(account, time, instanceType, sequence);
  const { events, deadLetters } = decodeJson(record, { input: 'test', offset: String(sequence) });
  expect(deadLetters).toEqual([]);
  return events[0] as SecurityEvent;
}

/**
 * Six hours of launches in three accounts: a small instance every 20 s per account, plus bursts of
 * large ones. Only bursts of more than 5 large instances inside one 5-minute window qualify.
 */
function sixHours(): SecurityEvent[] {
  const events: SecurityEvent[] = [];
  for (let t = DAY; t < DAY + 6 * 3_600_000; t += 20_000) {
    for (const account of ACCOUNTS) events.push(runInstances(account, t, 't3.micro'));
  }
  const burst = (account: string, start: number, count: number, type: string) => {
    for (let i = 0; i < count; i += 1) events.push(runInstances(account, start + i * 20_000, type));
  };
  const [a, b, c] = ACCOUNTS as [string, string, string];
  burst(a, DAY + 60 * 60_000 + 1_000, 6, 'p4d.24xlarge'); // 01:00 window: qualifies
  burst(b, DAY + 60 * 60_000 + 1_000, 5, 'm6i.16xlarge'); // five is not more than five
  burst(c, DAY + 2 * 60 * 60_000 + 4 * 60_000, 6, 'c6i.8xlarge'); // 02:04–02:05:40 straddles two windows: 3 + 3
  burst(a, DAY + 4 * 60 * 60_000 + 30_000, 12, 'r6i.metal'); // 04:00 window: twelve, still one finding
  burst(c, DAY + 5 * 60 * 60_000 + 5_000, 6, 't3.2xlarge'); // not large
  return events.sort((x, y) => x.time - y.time);
}

describe('ec2-large-instance-burst over hours of replayed data', () => {
  it('fires exactly once per qualifying account-window, when the watermark passes the window end', () => {
    const events = sixHours();
    const clock = new WatermarkClock(LATENESS);
    const state = new StateCache({ ...DEFAULT_STATE_OPTIONS, now: () => clock.latest });
    const emitted: { finding: Finding; afterEventTime: number }[] = [];
    let lastPushed = 0;
    const pipeline = new Pipeline({
      detections: [largeInstanceBurst],
      clock,
      state,
      onFinding: (finding) => emitted.push({ finding, afterEventTime: lastPushed }),
    });
    pipeline.open('trail');
    for (const event of events) {
      lastPushed = event.time;
      pipeline.push('trail', event);
    }
    pipeline.close('trail');
    pipeline.finish();

    const window = (hour: number) => ({
      start: DAY + hour * 3_600_000,
      end: DAY + hour * 3_600_000 + minutes(5),
    });
    expect(emitted.map(({ finding }) => [finding.account, finding.window, finding.count])).toEqual([
      [ACCOUNTS[0], window(1), 6],
      [ACCOUNTS[0], window(4), 12],
    ]);
    for (const { finding, afterEventTime } of emitted) {
      const end = finding.window?.end ?? 0;
      // emitted on the first event that moved the watermark (newest time − 5 min) past the window end
      expect(afterEventTime).toBeGreaterThanOrEqual(end + LATENESS);
      expect(afterEventTime).toBeLessThan(end + LATENESS + 20_000);
    }
    expect(new Set(emitted.map(({ finding }) => finding.id)).size).toBe(2);
  });
});

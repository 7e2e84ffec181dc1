import { describe, expect, it } from 'vitest';
import { buildFinding } from '../detections/finding.js';
import { decodeFile } from '../processor/decode/index.js';
import { listInputFiles } from '../processor/pipeline/replay.js';
import { decodeEvent, decodeFinding, encodeEvent, encodeFinding } from './codec.js';
import type { SecurityEvent } from './types.js';

async function sampleEvents(): Promise<SecurityEvent[]> {
  const events: SecurityEvent[] = [];
  for (const file of await listInputFiles(['samples'])) {
    for await (const batch of decodeFile(file)) events.push(...batch.events);
  }
  return events;
}

describe('Avro codec', () => {
  it('round-trips every bundled sample event unchanged', async () => {
    const events = await sampleEvents();
    expect(new Set(events.map((event) => event.source))).toEqual(
      new Set(['cloudtrail', 'guardduty', 'flowlog']),
    );
    for (const event of events) {
      expect(decodeEvent(encodeEvent(event))).toEqual(event);
    }
  });

  it('round-trips a finding built from a sample event', async () => {
    const [event] = await sampleEvents();
    const meta = {
      id: 'codec-test',
      title: 'codec',
      description: 'codec',
      severity: 'medium',
      mitre: ['T1078'],
      runbook: 'https://example.com',
      remediation: 'none',
      routes: [],
    } as const;
    const finding = buildFinding(meta, {
      key: 'k',
      trigger: event as SecurityEvent,
      window: { start: 1, end: 2 },
      title: 't',
      description: 'd',
      context: { port: '22' },
    });
    expect(decodeFinding(encodeFinding(finding))).toEqual(finding);
  });

  it('rejects an event that does not match the schema instead of encoding garbage', () => {
    expect(() => encodeEvent({ id: 'x' } as unknown as SecurityEvent)).toThrow();
  });
});

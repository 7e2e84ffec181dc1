import { describe, expect, it } from 'vitest';
import { runDetection } from '../../../processor/pipeline/fixtures.js';
import type { SecurityEvent } from '../../../schemas/types.js';
import { testEvent } from '../../../test/events.js';
import { type Burst, type CloudTrailBurst, cloudTrailBurst, listed, refusedCount } from './burst.js';
import { request, text } from './record.js';

const T0 = Date.parse('2026-03-02T10:00:00Z');
const ALICE = 'arn:aws:iam::111122223333:user/alice';

const detectionSpec = {
  id: 'test-secret-burst',
  title: 'Many secrets read',
  description: 'test',
  severity: 'medium',
  mitre: ['T1555.006'],
  tactics: ['credential-access'],
  runbook: 'https://example.com',
  remediation: 'test',
  actions: ['secretsmanager:GetSecretValue'],
  failedCalls: 'counted',
  key: (event) => event.principal?.arn ?? null,
  distinct: (event) => text(request(event, 'secretId')),
  atLeast: 3,
  windowMinutes: 10,
  finding: (burst: Burst) => ({
    title: `${burst.values.length} secrets read by ${burst.key}`,
    description: burst.values.join(','),
  }),
} satisfies CloudTrailBurst;
const detection = cloudTrailBurst(detectionSpec);

let sequence = 0;
function read(minute: number, secretId: string, errorCode: string | null = null): SecurityEvent {
  sequence += 1;
  return testEvent({
    id: `read-${sequence}`,
    time: T0 + minute * 60_000,
    action: 'secretsmanager:GetSecretValue',
    principal: {
      type: 'IAMUser',
      arn: ALICE,
      name: 'alice',
      account: '111122223333',
      sessionIssuer: null,
      mfa: null,
      accessKeyId: null,
    },
    errorCode,
    raw: { requestParameters: { secretId } },
  });
}

describe('cloudTrailBurst', () => {
  it('reports a key crossing the distinct threshold once, and rolls up the later events', () => {
    const findings = runDetection(detection, [
      read(0, 'a'),
      read(1, 'b'),
      read(2, 'b'),
      read(3, 'c', 'AccessDenied'),
      read(4, 'd'),
    ]);
    // The first window to cross the threshold reports at once; the dedup roll-up adds the later read.
    expect(findings.map((f) => [f.title, f.count])).toEqual([
      ['3 secrets read by arn:aws:iam::111122223333:user/alice', 4],
      ['3 secrets read by arn:aws:iam::111122223333:user/alice', 5],
    ]);
    expect(findings[0]?.id).toBe(findings[1]?.id);
    expect(findings[0]?.evidence).toHaveLength(4);
  });

  it('gives nothing below the threshold or spread wider than the window', () => {
    expect(runDetection(detection, [read(0, 'a'), read(1, 'a'), read(2, 'b')])).toEqual([]);
    expect(runDetection(detection, [read(0, 'a'), read(11, 'b'), read(22, 'c')])).toEqual([]);
  });

  it('takes its threshold and window from params, and rejects bad ones', () => {
    expect(runDetection(detection, [read(0, 'a'), read(1, 'b')], { atLeast: 2 })).toHaveLength(1);
    expect(
      runDetection(detection, [read(0, 'a'), read(15, 'b'), read(29, 'c')], { windowMinutes: 30 }),
    ).toHaveLength(1);
    expect(() => runDetection(detection, [], { atLeast: 0 })).toThrow(/atLeast/);
  });

  it('gives the same findings for the events in any order within the lateness', () => {
    const events = [read(0, 'a'), read(1, 'b'), read(2, 'c'), read(30, 'x'), read(31, 'y'), read(32, 'z')];
    const inOrder = runDetection(detection, events);
    const shuffled = runDetection(detection, [
      events[2],
      events[0],
      events[1],
      events[5],
      events[3],
      events[4],
    ] as SecurityEvent[]);
    expect(shuffled).toEqual(inOrder);
    expect(inOrder).toHaveLength(2);
  });

  it('reports a refused read alone when `alone` says so, and a later burst under its own dedup key', () => {
    const probing = cloudTrailBurst({
      ...detectionSpec,
      id: 'test-secret-probe-or-burst',
      alone: (event) => event.errorCode !== null,
      finding: (burst) => ({
        title: `${burst.reached ? 'burst' : 'probe'} ${burst.values.join(',')}`,
        description: 'test',
        severity: burst.reached ? 'high' : 'medium',
      }),
    });
    const findings = runDetection(probing, [
      read(0, 'a', 'AccessDenied'),
      read(20, 'b'),
      read(21, 'c'),
      read(22, 'd'),
    ]);
    expect(findings.map((f) => [f.title, f.severity, f.count, f.dedupKey])).toEqual([
      ['probe a', 'medium', 1, `${ALICE}#alone`],
      ['burst b,c,d', 'high', 3, ALICE],
    ]);
    // Successful reads below the threshold stay silent, as without `alone`.
    expect(runDetection(probing, [read(0, 'a'), read(1, 'b')])).toEqual([]);
  });

  it('counts every value of a call that names several, and skips calls that name none', () => {
    const batch = cloudTrailBurst({
      ...detectionSpec,
      id: 'test-parameter-burst',
      distinct: (event) => {
        const names = request(event, 'names');
        return Array.isArray(names) ? names.flatMap((name) => text(name) ?? []) : null;
      },
    });
    const names = (minute: number, list: string[] | null) =>
      testEvent({ ...read(minute, 'unused'), raw: { requestParameters: { names: list } } });
    expect(runDetection(batch, [names(0, ['a', 'b']), names(1, null), names(2, ['b', 'c'])])).toMatchObject([
      { title: '3 secrets read by arn:aws:iam::111122223333:user/alice', count: 2 },
    ]);
    expect(batch.stateful?.partitionKey?.(names(3, []))).toBeNull();
  });

  it('keys the ingest/detect split by the burst key, and publishes nothing for events it ignores', () => {
    expect(detection.stateful?.partitionKey?.(read(0, 'a'))).toBe(ALICE);
  });

  it('summarises a burst for titles: a short list of values, and how many calls were refused', () => {
    expect(listed(['a', 'b', 'c'], 2)).toBe('a, b, ...');
    expect(listed(['a', 'b'])).toBe('a, b');
    const events = [read(0, 'a'), read(1, 'b', 'AccessDenied')];
    const burst: Burst = {
      key: ALICE,
      events,
      values: ['a', 'b'],
      fresh: 2,
      reached: false,
      window: { start: 0, end: 1 },
      atLeast: 3,
      windowMinutes: 10,
    };
    expect(refusedCount(burst)).toBe(1);
  });

  it('slides by slideMinutes: each event in fewer windows, a burst shorter than the window still whole', () => {
    const coarse = cloudTrailBurst({ ...detectionSpec, id: 'test-coarse-burst', slideMinutes: 5 });
    expect(runDetection(coarse, [read(0, 'a'), read(2, 'b'), read(4, 'c')])).toMatchObject([
      { title: '3 secrets read by arn:aws:iam::111122223333:user/alice', count: 3 },
    ]);
    expect(runDetection(coarse, [read(0, 'a'), read(6, 'b'), read(12, 'c')])).toEqual([]);
  });

  it('slim windows hold events without their record, values worked out before', () => {
    const seen: unknown[] = [];
    const slim = cloudTrailBurst({
      ...detectionSpec,
      id: 'test-slim-burst',
      slim: true,
      finding: (burst) => {
        seen.push(...burst.events.map((event) => event.raw));
        return { title: burst.values.join(','), description: 'test' };
      },
    });
    expect(runDetection(slim, [read(0, 'a'), read(1, 'b'), read(2, 'c')])).toMatchObject([
      { title: 'a,b,c' },
    ]);
    expect(seen).toEqual([null, null, null]);
  });
});

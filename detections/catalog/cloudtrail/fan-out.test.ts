import { describe, expect, it } from 'vitest';
import { runDetection } from '../../../processor/pipeline/fixtures.js';
import type { SecurityEvent } from '../../../schemas/types.js';
import { testEvent } from '../../../test/events.js';
import { cloudTrailFanOut } from './fan-out.js';
import { items, request, text } from './record.js';

const T0 = Date.parse('2026-03-02T10:00:00Z');
const ALICE = 'arn:aws:iam::111122223333:user/alice';

const detection = cloudTrailFanOut({
  id: 'test-fan-out',
  title: 'Commands to many instances',
  description: 'test',
  severity: 'high',
  mitre: ['T1651'],
  tactics: ['execution'],
  runbook: 'https://example.com',
  remediation: 'test',
  actions: ['ssm:SendCommand'],
  failedCalls: 'counted',
  key: (event) => event.principal?.arn ?? null,
  targets: (event) => items(request(event, 'instanceIds')).flatMap((id) => text(id) ?? []),
  atLeast: 3,
  windowMinutes: 10,
  finding: (fanOut) => ({
    title: `${fanOut.targets.length} instances by ${fanOut.key}`,
    description: `${fanOut.targets.join(',')} refused ${fanOut.refused}`,
  }),
});

let sequence = 0;
function send(minute: number, instanceIds: string[], errorCode: string | null = null): SecurityEvent {
  sequence += 1;
  return testEvent({
    id: `send-${sequence}`,
    time: T0 + minute * 60_000,
    action: 'ssm:SendCommand',
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
    raw: { requestParameters: { instanceIds } },
  });
}

describe('cloudTrailFanOut', () => {
  it('counts every target of a call: one call naming three instances is enough', () => {
    const [finding, ...rest] = runDetection(detection, [send(0, ['i-1', 'i-2', 'i-3'])]);
    expect(rest).toEqual([]);
    expect(finding?.title).toBe(`3 instances by ${ALICE}`);
    expect(finding?.count).toBe(3);
    expect(finding?.evidence).toEqual(['send-1']);
    expect(finding?.context).toMatchObject({ distinctTargets: '3', calls: '1', refusedCalls: '0' });
  });

  it('adds targets across calls, counts refused calls, and rolls up later targets in the dedup period', () => {
    const findings = runDetection(detection, [
      send(0, ['i-1']),
      send(1, ['i-2'], 'AccessDeniedException'),
      send(2, ['i-2', 'i-3']),
      send(5, ['i-4']),
    ]);
    expect(findings.map((f) => [f.title, f.count])).toEqual([
      [`3 instances by ${ALICE}`, 4],
      [`3 instances by ${ALICE}`, 5],
    ]);
    expect(findings[0]?.description).toBe('i-1,i-2,i-3 refused 1');
    expect(findings[0]?.id).toBe(findings[1]?.id);
  });

  it('gives nothing for repeated targets, calls without targets, or targets spread wider than the window', () => {
    expect(
      runDetection(detection, [send(0, ['i-1']), send(1, ['i-1']), send(2, ['i-1', 'i-1']), send(3, [])]),
    ).toEqual([]);
    expect(runDetection(detection, [send(0, ['i-1']), send(11, ['i-2']), send(22, ['i-3'])])).toEqual([]);
  });

  it('takes its threshold and window from params', () => {
    expect(runDetection(detection, [send(0, ['i-1', 'i-2'])], { atLeast: 2 })).toHaveLength(1);
    expect(
      runDetection(detection, [send(0, ['i-1']), send(15, ['i-2']), send(29, ['i-3'])], {
        windowMinutes: 30,
      }),
    ).toHaveLength(1);
  });
});

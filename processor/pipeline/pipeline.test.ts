import { filter, map } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { Detection } from '../../detections/api.js';
import { buildFinding } from '../../detections/finding.js';
import { minutes, threshold, tumbling } from '../../detections/operators/index.js';
import type { Finding, SecurityEvent } from '../../schemas/types.js';
import { testEvent } from '../../test/events.js';
import { DEFAULT_STATE_OPTIONS, StateCache } from '../state/index.js';
import { Pipeline, type PipelineOptions } from './pipeline.js';
import { WatermarkClock } from './watermarks.js';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);

const meta = {
  title: 'test',
  description: 'test detection',
  severity: 'high',
  mitre: ['T1578'],
  runbook: 'https://example.com/runbook',
  remediation: 'fix it',
} as const;

/** Every RunInstances: a single-event detection. */
const everyLaunch: Detection = {
  ...meta,
  id: 'every-launch',
  routes: [{ source: 'cloudtrail', actions: ['ec2:RunInstances'] }],
  operator: () =>
    map((event) =>
      buildFinding(everyLaunch, {
        key: event.id,
        trigger: event,
        title: `launch ${event.id}`,
        description: '',
      }),
    ),
};

/** ≥ 3 launches per account in a 5-minute tumbling window. */
const launchBurst: Detection = {
  ...meta,
  id: 'launch-burst',
  routes: [{ source: 'cloudtrail', actions: ['ec2:RunInstances'] }],
  operator:
    ({ clock }) =>
    (events) =>
      events.pipe(
        threshold({ clock, key: (e) => e.account, window: tumbling(minutes(5)), atLeast: 3 }),
        map((match) =>
          buildFinding(launchBurst, {
            key: match.key,
            trigger: match.items.at(-1) as SecurityEvent,
            events: match.items,
            window: match.window,
            title: `${match.count} launches in ${match.key}`,
            description: '',
          }),
        ),
      ),
};

function run(
  detections: Detection[],
  script: [string, SecurityEvent][],
  extra: Partial<PipelineOptions> = {},
) {
  const findings: Finding[] = [];
  const clock = new WatermarkClock(minutes(5));
  const state = new StateCache({ ...DEFAULT_STATE_OPTIONS, now: () => clock.latest });
  const pipeline = new Pipeline({ detections, clock, state, onFinding: (f) => findings.push(f), ...extra });
  const inputs = new Set(script.map(([input]) => input));
  for (const input of inputs) pipeline.open(input);
  const emittedAfter: number[] = [];
  for (const [input, event] of script) {
    pipeline.push(input, event);
    emittedAfter.push(findings.length);
  }
  for (const input of inputs) pipeline.close(input);
  pipeline.finish();
  return { findings, pipeline, emittedAfter };
}

const launch = (id: string, minute: number, overrides: Partial<SecurityEvent> = {}) =>
  testEvent({ id, time: T0 + minutes(minute), ...overrides });

describe('Pipeline', () => {
  it('routes each event only to the detections that asked for its source and action', () => {
    const { findings, pipeline } = run(
      [everyLaunch],
      [
        ['a', launch('e1', 0)],
        ['a', launch('e2', 1, { action: 'ec2:DescribeInstances' })],
        ['a', launch('e3', 2, { source: 'guardduty', action: 'ec2:RunInstances' })],
      ],
    );
    expect(findings.map((f) => f.title)).toEqual(['launch e1']);
    expect(pipeline.counters.unrouted).toBe(2);
    expect(pipeline.counters.eventsBySource).toEqual({ cloudtrail: 2, guardduty: 1, flowlog: 0 });
  });

  it('fires a window when the watermark (max time − 5 min lateness) passes its end, not before', () => {
    const { findings, emittedAfter } = run(
      [launchBurst],
      [
        ['a', launch('e1', 0)],
        ['a', launch('e2', 1)],
        ['a', launch('e3', 4)],
        ['a', launch('e4', 9)], // watermark 4m: window [0,5) still open
        ['a', launch('e5', 10)], // watermark 5m: fires
      ],
    );
    expect(emittedAfter).toEqual([0, 0, 0, 0, 1]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      title: '3 launches in 111122223333',
      window: { start: T0, end: T0 + minutes(5) },
      evidence: ['e1', 'e2', 'e3'],
      count: 3,
    });
  });

  it('puts out-of-order events within lateness into their window, and keeps late ones out but counted', () => {
    const { findings, pipeline } = run(
      [launchBurst, everyLaunch],
      [
        ['a', launch('e1', 12)],
        ['a', launch('e2', 1)], // 11 min behind: late (watermark is 7m)
        ['a', launch('e3', 10)], // 2 min behind: in time
        ['a', launch('e4', 11)],
        ['a', launch('e5', 30)],
      ],
    );
    const burst = findings.filter((f) => f.detection === 'launch-burst');
    expect(burst.map((f) => f.evidence)).toEqual([['e3', 'e4', 'e1']]);
    expect(pipeline.counters.late).toBe(1);
    // the late event still reached the single-event detection
    expect(findings.filter((f) => f.detection === 'every-launch').map((f) => f.title)).toContain('launch e2');
  });

  it('holds windows until every open input has passed them (watermark = min over inputs)', () => {
    const { emittedAfter } = run(
      [launchBurst],
      [
        ['shard-1', launch('e1', 0)],
        ['shard-1', launch('e2', 1)],
        ['shard-1', launch('e3', 2)],
        ['shard-1', launch('e4', 20)],
        ['shard-2', launch('e5', 3)], // shard-2 is far behind: watermark stays < 5m
        ['shard-2', launch('e6', 11)], // now min(20, 11) − 5 = 6m ≥ 5m: fires
      ],
    );
    expect(emittedAfter).toEqual([0, 0, 0, 0, 0, 1]);
  });

  it('flushes open windows at the end of input', () => {
    const { findings, emittedAfter } = run(
      [launchBurst],
      [
        ['a', launch('e1', 0)],
        ['a', launch('e2', 1)],
        ['a', launch('e3', 2)],
      ],
    );
    expect(emittedAfter).toEqual([0, 0, 0]);
    expect(findings).toHaveLength(1);
  });

  it('gives identical findings for the same input, run after run', () => {
    const script: [string, SecurityEvent][] = [0, 1, 2, 7, 8, 9, 15].map((m, i) => ['a', launch(`e${i}`, m)]);
    const first = run([launchBurst, everyLaunch], script).findings;
    const second = run([launchBurst, everyLaunch], script).findings;
    expect(second).toEqual(first);
    expect(first.filter((f) => f.detection === 'launch-burst')).toHaveLength(2);
  });

  it('passes a finding id once per run, but lets a higher count through as an update', () => {
    const repeats: Detection = {
      ...meta,
      id: 'repeats',
      routes: [{ source: 'guardduty', actions: '*' }],
      operator: () =>
        map((event) => ({
          ...buildFinding(repeats, { key: 'gd', trigger: event, title: 'same finding', description: '' }),
          id: 'fixed-id',
          count: event.guardduty?.count ?? 1,
        })),
    };
    const gd = (id: string, count: number) =>
      testEvent({
        id,
        time: T0,
        source: 'guardduty',
        action: 'Recon:EC2/PortProbeUnprotectedPort',
        guardduty: {
          type: 'Recon:EC2/PortProbeUnprotectedPort',
          severity: 2,
          title: null,
          resourceType: 'Instance',
          resourceId: 'i-1',
          actionType: null,
          remoteIp: null,
          count,
          firstSeen: null,
          lastSeen: null,
          archived: null,
        },
      });
    const { findings, pipeline } = run(
      [repeats],
      [
        ['a', gd('x', 1)],
        ['a', gd('x', 1)],
        ['a', gd('x', 4)],
      ],
    );
    expect(findings.map((f) => f.count)).toEqual([1, 4]);
    expect(pipeline.counters.findingsByDetection.get('repeats')).toBe(1);
    expect(pipeline.counters.findingUpdates).toBe(1);
  });

  it('hands the findings of a handed-off detection on as made: no dedup, repeats included, nothing counted', () => {
    const hourly: Detection = { ...everyLaunch, id: 'hourly', dedupPeriodMs: minutes(60) };
    const launch = (id: string, minute: number) => testEvent({ id, time: T0 + minute * 60_000 });
    const script: [string, SecurityEvent][] = [
      ['a', launch('l1', 0)],
      ['a', launch('l1', 0)], // the same event again (a re-sent record): the same finding twice
      ['a', launch('l2', 10)],
    ];
    const deduplicated = run([hourly], script);
    expect(deduplicated.findings.map((f) => f.count)).toEqual([1, 1, 2]); // l1, l2, then l1 rolled up twice
    const handedOn = run([hourly], script, { handsOff: new Set(['hourly']) });
    const [first, again, other] = handedOn.findings;
    expect(handedOn.findings.map((f) => f.count)).toEqual([1, 1, 1]);
    expect([again?.id === first?.id, other?.id === first?.id]).toEqual([true, false]);
    expect(handedOn.pipeline.counters.findingsByDetection.size).toBe(0);
  });

  it('applies allow rules only to the detections they name', () => {
    const ci = {
      type: 'AssumedRole',
      arn: 'arn:aws:sts::111122223333:assumed-role/ci-build/x',
      name: 'x',
      account: '111122223333',
      sessionIssuer: 'arn:aws:iam::111122223333:role/ci-build',
      mfa: null,
      accessKeyId: null,
    };
    const { findings, pipeline } = run(
      [everyLaunch, launchBurst],
      [0, 1, 2].map((m) => ['a', launch(`e${m}`, m, { principal: ci })] as [string, SecurityEvent]),
      {
        allowRules: [
          { reason: 'CI fleet', detections: ['launch-burst'], principals: ['arn:aws:iam::*:role/ci-*'] },
        ],
      },
    );
    expect(findings.map((f) => f.detection)).toEqual(['every-launch', 'every-launch', 'every-launch']);
    expect(pipeline.counters.suppressedByDetection.get('launch-burst')).toBe(3);
  });

  describe('a detection that reads the state cache', () => {
    const raw = {
      eventSource: 'ec2.amazonaws.com',
      eventName: 'RunInstances',
      awsRegion: 'us-east-1',
      requestParameters: { instanceType: 't3.micro' },
      responseElements: { instancesSet: { items: [{ instanceId: 'i-0aaa', instanceType: 't3.micro' }] } },
    };
    /** Finds every event it is routed while the cache knows instance i-0aaa. */
    const seesState: Detection = {
      ...meta,
      id: 'sees-state',
      routes: [{ source: 'cloudtrail', actions: ['ec2:RunInstances', 'ec2:DescribeInstances'] }],
      readsState: true,
      operator:
        ({ state }) =>
        (events) =>
          events.pipe(
            filter(() => state.instance('i-0aaa') !== undefined),
            map((event) =>
              buildFinding(seesState, { key: event.id, trigger: event, title: event.id, description: '' }),
            ),
          ),
    };
    const call = (id: string, minute: number) => launch(id, minute, { action: 'ec2:DescribeInstances' });

    it('sees what the cache learned from the event itself', () => {
      const { findings } = run([seesState], [['a', launch('e1', 0, { raw })]]);
      expect(findings.map((f) => f.title)).toEqual(['e1']);
    });

    it('an allow rule on tags sees the tags of an instance launched earlier, whichever input delivered it first', () => {
      const launchTagged = (env: string, instanceId: string) => ({
        ...raw,
        responseElements: {
          instancesSet: {
            items: [
              { instanceId, instanceType: 't3.micro', tagSet: { items: [{ key: 'env', value: env }] } },
            ],
          },
        },
      });
      const stop = (id: string, minute: number, instanceId: string) =>
        launch(id, minute, {
          action: 'ec2:StopInstances',
          raw: {
            eventName: 'StopInstances',
            requestParameters: { instancesSet: { items: [{ instanceId }] } },
          },
        });
      const everyStop: Detection = {
        ...everyLaunch,
        id: 'every-stop',
        routes: [{ source: 'cloudtrail', actions: ['ec2:StopInstances'] }],
      };
      const allowRules = [{ reason: 'sandbox instances are for experiments', tags: { env: 'sandbox' } }];
      // Input a is read first: both stops (09:02) arrive before input b's launches (09:01).
      const { findings } = run(
        [everyStop],
        [
          ['a', stop('stop-sandbox', 2, 'i-0aaa')],
          ['a', stop('stop-prod', 2, 'i-0bbb')],
          ['b', launch('launch-sandbox', 1, { raw: launchTagged('sandbox', 'i-0aaa') })],
          ['b', launch('launch-prod', 1, { raw: launchTagged('prod', 'i-0bbb') })],
        ],
        { allowRules },
      );
      expect(findings.map((f) => f.title)).toEqual(['launch stop-prod']);
    });

    it('sees the cache as of its event time, whichever input delivered the earlier event first', () => {
      // Input b is read late: its launch (09:01) arrives after a's 09:02 call, but is learned before it.
      const { findings, emittedAfter } = run(
        [seesState],
        [
          ['a', call('before-launch', 0)],
          ['a', call('after-launch', 2)],
          ['b', launch('launch', 1, { raw })],
          ['a', call('later', 20)],
          ['b', call('later-b', 20)],
        ],
      );
      expect(findings.map((f) => f.title)).toEqual(['launch', 'after-launch', 'later', 'later-b']);
      // Held until the watermark (min over inputs − 5 min) passed them: nothing before b reached 09:20.
      expect(emittedAfter).toEqual([0, 0, 0, 0, 2]);
    });
  });
});

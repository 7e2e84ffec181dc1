import { describe, expect, it } from 'vitest';
import { KeyedRoutes } from '../../processor/consumer/roles/keyed-routes.js';
import { decodeJson } from '../../processor/decode/index.js';
import { Pipeline } from '../../processor/pipeline/pipeline.js';
import { WatermarkClock } from '../../processor/pipeline/watermarks.js';
import { StateCache } from '../../processor/state/index.js';
import type { Finding, SecurityEvent } from '../../schemas/types.js';
import { shuffles } from '../operators/testing.js';
import { minutes } from '../operators/window-spec.js';
import { compileSigmaSources, type SigmaLoadOptions } from './load.js';
import type { SigmaDetection } from './sigma-detection.js';

const LATENESS = minutes(5);
const START = Date.UTC(2026, 2, 4, 10, 0);
let sequence = 0;

/** A ConsoleLogin CloudTrail record by `user` at `minute` after 10:00, Success or Failure. */
function login(
  user: string,
  minute: number,
  result: 'Success' | 'Failure',
  extra: Record<string, string> = {},
): SecurityEvent {
  sequence += 1;
  const { events } = decodeJson(
    {
      eventTime: new Date(START + minutes(minute)).toISOString(),
      eventSource: 'signin.amazonaws.com',
      eventName: 'ConsoleLogin',
      eventID: `login-${user}-${minute}-${sequence}`,
      userIdentity: {
        type: 'IAMUser',
        arn: `arn:aws:iam::111122223333:user/${user}`,
        userName: user,
        accountId: '111122223333',
      },
      recipientAccountId: '111122223333',
      sourceIPAddress: extra.ip ?? '198.51.100.7',
      responseElements: { ConsoleLogin: result },
      ...extra,
    },
    { input: 'test', offset: String(sequence) },
  );
  return events[0] as SecurityEvent;
}

const BASE_RULES = `
title: Failed console login
id: failed-login
name: console_login_failed
author: shardwatch tests
logsource: {product: aws, service: cloudtrail}
detection:
  selection: {eventName: ConsoleLogin, responseElements.ConsoleLogin: Failure}
  condition: selection
---
title: Console login success
id: ok-login
name: console_login_success
author: shardwatch tests
logsource: {product: aws, service: cloudtrail}
detection:
  selection: {eventName: ConsoleLogin, responseElements.ConsoleLogin: Success}
  condition: selection
`;

const CHAIN = `
title: Brute force then success
id: brute-then-success
author: shardwatch tests
level: high
correlation:
  type: temporal_ordered
  rules: [many_failed_logins, console_login_success]
  group-by: [userIdentity.arn]
  timespan: 30m
---
title: Many failed console logins
id: many-failed
name: many_failed_logins
correlation:
  type: event_count
  rules: [console_login_failed]
  group-by: [userIdentity.arn]
  timespan: 10m
  condition: {gte: 3}
---${BASE_RULES}`;

/** Runs the rules over events pushed in this order on one input (lateness 5 min), all windows flushed. */
function run(
  text: string,
  events: readonly SecurityEvent[],
  options: SigmaLoadOptions = { dedupPeriodMs: 0 },
): Finding[] {
  const { detections, reports } = compileSigmaSources([{ file: 'rules.yml', text }], options);
  expect(reports.filter((r) => r.error).map((r) => r.error?.message)).toEqual([]);
  const clock = new WatermarkClock(LATENESS);
  const state = new StateCache({
    maxEntries: 100,
    maxBytes: 1 << 20,
    ttlMs: 86_400_000,
    now: () => clock.latest,
  });
  const findings: Finding[] = [];
  const pipeline = new Pipeline({ detections, clock, state, onFinding: (finding) => findings.push(finding) });
  pipeline.open('test');
  for (const event of events) pipeline.push('test', event);
  pipeline.close('test');
  pipeline.finish();
  return findings;
}

const summary = (findings: readonly Finding[]) =>
  findings.map((f) => ({ detection: f.detection, key: f.dedupKey, evidence: f.evidence, window: f.window }));

describe('Sigma correlation rules, in event time', () => {
  const alice = [
    login('alice', 0, 'Failure'),
    login('alice', 2, 'Failure'),
    login('alice', 4, 'Failure'),
    login('alice', 5, 'Success'),
  ];
  const bob = [
    login('bob', 0, 'Failure'),
    login('bob', 11, 'Failure'),
    login('bob', 22, 'Failure'),
    login('bob', 23, 'Success'),
  ];
  const carol = [
    login('carol', 1, 'Success'),
    login('carol', 2, 'Failure'),
    login('carol', 3, 'Failure'),
    login('carol', 4, 'Failure'),
  ];
  const events = [...alice, ...bob, ...carol].sort((a, b) => a.time - b.time);

  it('chains event_count into temporal_ordered: three failures within 10 minutes, then a success', () => {
    const findings = run(CHAIN, events);
    expect(summary(findings)).toEqual([
      {
        detection: 'sigma-brute-then-success',
        key: 'userIdentity.arn=arn:aws:iam::111122223333:user/alice',
        evidence: alice.map((e) => e.id),
        window: { start: alice[2]?.time, end: alice[3]?.time },
      },
    ]);
    const [finding] = findings;
    expect(finding?.title).toBe(
      'Brute force then success: 2 of 2 rules in order (many_failed_logins then console_login_success) within 30m for userIdentity.arn=arn:aws:iam::111122223333:user/alice',
    );
    expect(finding?.severity).toBe('high');
    expect(finding?.context).toMatchObject({
      sigmaAuthor: 'shardwatch tests',
      correlation: 'temporal_ordered',
      count: '2',
    });
  });

  it('gives the same findings for any arrival order within the lateness', () => {
    const expected = summary(run(CHAIN, events));
    const orders = shuffles(events, LATENESS, 10, 7);
    expect(
      orders.some(
        (order) => order.indexOf(alice[3] as SecurityEvent) < order.indexOf(alice[2] as SecurityEvent),
      ),
    ).toBe(true);
    for (const order of orders) expect(summary(run(CHAIN, order))).toEqual(expected);
  });

  it('ignores an event that arrives behind the watermark (later than the lateness)', () => {
    const late = [
      ...alice.slice(0, 2),
      alice[3] as SecurityEvent,
      login('alice', 20, 'Failure'),
      alice[2] as SecurityEvent,
    ];
    expect(run(CHAIN, late)).toEqual([]);
  });

  it('runs the referenced rules only inside the correlation unless it says generate: true', () => {
    const generated = CHAIN.replace('  timespan: 30m\n', '  timespan: 30m\n  generate: true\n');
    const detections = compileSigmaSources([{ file: 'rules.yml', text: generated }]).detections.map(
      (d) => d.id,
    );
    expect(detections.sort()).toEqual(['sigma-brute-then-success', 'sigma-many-failed', 'sigma-ok-login']);
    expect(compileSigmaSources([{ file: 'rules.yml', text: CHAIN }]).detections.map((d) => d.id)).toEqual([
      'sigma-brute-then-success',
    ]);
  });

  it('event_count evaluates the window ending at each event; ranges and upper bounds included', () => {
    const rule = (condition: string) => `
title: Failures
id: failures
correlation: {type: event_count, rules: [console_login_failed], group-by: [userIdentity.userName], timespan: 10m, condition: ${condition}}
---${BASE_RULES}`;
    const failures = [
      login('dan', 0, 'Failure'),
      login('dan', 3, 'Failure'),
      login('dan', 6, 'Failure'),
      login('dan', 30, 'Failure'),
    ];
    const counts = (condition: string) => run(rule(condition), failures).map((f) => Number(f.context.count));
    expect(counts('{gte: 3}')).toEqual([3]);
    expect(counts('{gt: 1, lte: 2}')).toEqual([2]);
    expect(counts('{eq: 1}')).toEqual([1, 1]);
    expect(counts('{lt: 2}')).toEqual([1, 1]);
  });

  it('value_count counts distinct values of a field per group; events without the group field take no part', () => {
    const text = `
title: Spraying
id: spraying
correlation:
  type: value_count
  rules: [console_login_failed]
  group-by: [sourceIPAddress]
  timespan: 10m
  condition: {gte: 3, field: userIdentity.userName}
---${BASE_RULES}`;
    const spray = ['u1', 'u2', 'u2', 'u3'].map((user, minute) =>
      login(user, minute, 'Failure', { ip: '203.0.113.66' }),
    );
    const findings = run(text, [...spray, login('u4', 5, 'Failure', { ip: '198.51.100.1' })]);
    expect(findings.map((f) => [f.dedupKey, f.context.count])).toEqual([
      ['sourceIPAddress=203.0.113.66', '3'],
    ]);
  });

  it('temporal needs every rule within the timespan in any order; aliases map a group to each rule’s field', () => {
    const text = `
title: Login and key
id: login-and-key
correlation:
  type: temporal
  rules: [console_login_success, access_key_created]
  group-by: [user]
  timespan: 15m
  aliases:
    user:
      console_login_success: userIdentity.userName
      access_key_created: requestParameters.userName
---
title: Access key created
id: key-created
name: access_key_created
logsource: {product: aws, service: cloudtrail}
detection:
  selection: {eventSource: iam.amazonaws.com, eventName: CreateAccessKey}
  condition: selection
---${BASE_RULES}`;
    const key = (minute: number, user: string) =>
      decodeJson(
        {
          eventTime: new Date(START + minutes(minute)).toISOString(),
          eventSource: 'iam.amazonaws.com',
          eventName: 'CreateAccessKey',
          eventID: `key-${user}-${minute}`,
          userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/admin', userName: 'admin' },
          requestParameters: { userName: user },
        },
        { input: 'test', offset: 'k' },
      ).events[0] as SecurityEvent;
    const findings = run(text, [
      key(0, 'erin'),
      login('erin', 10, 'Success'),
      key(1, 'frank'),
      login('frank', 40, 'Success'),
    ]);
    expect(findings.map((f) => f.dedupKey)).toEqual(['user=erin']);
    const detection = compileSigmaSources([{ file: 'r.yml', text }]).detections[0] as SigmaDetection;
    // In the ingest/detect split both halves of a group travel under one key, to one detect task.
    const keyed = new KeyedRoutes([detection]);
    expect(keyed.keysOf(key(0, 'erin'))).toContain('sigma-login-and-key|["erin"]');
    expect(keyed.keysOf(login('erin', 10, 'Success'))).toEqual(['sigma-login-and-key|["erin"]']);
    expect(detection.stateful?.partitionKey?.(login('erin', 10, 'Failure'))).toBeNull();
  });

  it('folds a group’s repeated matches into one finding per hour by default', () => {
    const burst = Array.from({ length: 6 }, (_, minute) => login('gina', minute, 'Failure'));
    const text = `
title: Failures
id: failures
correlation: {type: event_count, rules: [console_login_failed], group-by: [userIdentity.userName], timespan: 10m, condition: {gte: 3}}
---${BASE_RULES}`;
    const findings = run(text, burst, {});
    expect(findings.map((f) => f.count)).toEqual([1, 4]);
    expect(new Set(findings.map((f) => f.id)).size).toBe(1);
  });

  it('reports a correlation that cannot be resolved, and keeps its rules out of the run', () => {
    const { detections, reports } = compileSigmaSources([
      {
        file: 'rules.yml',
        text: `title: Broken\nid: broken\ncorrelation: {type: temporal, rules: [console_login_success, nowhere], group-by: [x], timespan: 5m}\n---${BASE_RULES}`,
      },
    ]);
    expect(detections.map((d) => d.id)).toEqual(['sigma-failed-login']);
    expect(reports.map((r) => r.error?.message ?? r.usedBy.join(','))).toEqual([
      "correlation.rules[1]: no loaded rule or correlation has the id or name 'nowhere'",
      '',
      'sigma-broken',
    ]);
  });
});

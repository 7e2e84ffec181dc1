import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../schemas/types.js';
import { ACCOUNT, cloudTrailEvent, T0, testCache } from './cloudtrail-test-event.js';
import { DEFAULT_STATE_OPTIONS } from './options.js';
import { STATE_ROUTES } from './routes.js';
import { MAX_SEEN_VALUES, StateCache } from './state-cache.js';

const DAY = 86_400_000;
const TTL = DEFAULT_STATE_OPTIONS.ttlMs;

describe('firstSeen', () => {
  it('is true once per (kind, subject, value)', () => {
    const { state } = testCache();
    expect(state.firstSeen('ip', 'alice', '203.0.113.7')).toBe(true);
    expect(state.firstSeen('ip', 'alice', '203.0.113.7')).toBe(false);
    expect(state.firstSeen('ip', 'bob', '203.0.113.7')).toBe(true);
    expect(state.firstSeen('region', 'alice', '203.0.113.7')).toBe(true);
    expect(state.size).toBe(3);
  });

  it('remembers at most MAX_SEEN_VALUES values per subject, dropping the least recently seen', () => {
    const { state } = testCache();
    for (let index = 0; index < MAX_SEEN_VALUES; index += 1)
      state.firstSeen('ip', 'alice', `10.0.0.${index}`);
    expect(state.firstSeen('ip', 'alice', '10.0.0.0')).toBe(false); // now the most recently seen
    expect(state.firstSeen('ip', 'alice', '10.0.1.0')).toBe(true); // pushes out 10.0.0.1
    expect(state.firstSeen('ip', 'alice', '10.0.0.0')).toBe(false);
    expect(state.firstSeen('ip', 'alice', '10.0.0.2')).toBe(false);
    expect(state.firstSeen('ip', 'alice', '10.0.0.1')).toBe(true);
  });
});

describe('earliest', () => {
  it('keeps the minimum time whatever the arrival order', () => {
    const { state } = testCache();
    expect(state.earliestOf('region', '1111/eu-west-1')).toBeUndefined();
    expect(state.earliest('region', '1111/eu-west-1', T0 + 60_000)).toBe(T0 + 60_000);
    expect(state.earliest('region', '1111/eu-west-1', T0)).toBe(T0);
    expect(state.earliest('region', '1111/eu-west-1', T0 + 120_000)).toBe(T0);
    expect(state.earliestOf('region', '1111/eu-west-1')).toBe(T0);
    expect(state.earliestOf('asn', '1111/eu-west-1')).toBeUndefined();
  });
});

describe('series', () => {
  it('appends values and keeps the last `keep`', () => {
    const { state } = testCache();
    expect(state.series('egress', 'eni-1')).toEqual([]);
    for (const value of [1, 2, 3, 4]) state.appendToSeries('egress', 'eni-1', value, 3);
    expect(state.series('egress', 'eni-1')).toEqual([2, 3, 4]);
    expect(state.series('egress', 'eni-2')).toEqual([]);
  });
});

describe('event-time TTL', () => {
  it('forgets a fact ttlMs after it was last updated, in event time', () => {
    const { state, clock } = testCache();
    state.apply(cloudTrailEvent('iam:CreateRole', { requestParameters: { roleName: 'ci' } }));
    clock.now = T0 + TTL;
    expect(state.role(ACCOUNT, 'ci')?.name).toBe('ci');
    clock.now = T0 + TTL + 1;
    expect(state.role(ACCOUNT, 'ci')).toBeUndefined();
  });

  it('starts the TTL at the event time even before the pipeline clock has moved', () => {
    // The pipeline applies an event before its clock observes it: clock.latest is still 0.
    const { state, clock } = testCache();
    clock.now = 0;
    state.apply(cloudTrailEvent('s3:ListBuckets', {}));
    expect(state.firstSeen('ip', 'alice', '203.0.113.7')).toBe(true);
    expect(state.firstSeen('ip', 'bob', '203.0.113.7')).toBe(true);
    clock.now = T0 + TTL;
    expect(state.firstSeen('ip', 'alice', '203.0.113.7')).toBe(false);
    clock.now = T0 + TTL + 1;
    expect(state.firstSeen('ip', 'bob', '203.0.113.7')).toBe(true);
  });

  it('keeps a value seen regularly', () => {
    const { state, clock } = testCache();
    for (let day = 0; day <= 90; day += 20) {
      clock.now = T0 + day * DAY;
      expect(state.firstSeen('ip', 'alice', '203.0.113.7')).toBe(day === 0);
    }
  });
});

describe('bounds', () => {
  it('holds at most maxEntries, evicting the least recently used', () => {
    const clock = { now: T0 };
    const state = new StateCache({ ...DEFAULT_STATE_OPTIONS, maxEntries: 10, now: () => clock.now });
    for (let index = 0; index < 25; index += 1) state.firstSeen('ip', `principal-${index}`, '10.0.0.1');
    expect(state.size).toBe(10);
    expect(state.firstSeen('ip', 'principal-24', '10.0.0.1')).toBe(false);
    expect(state.firstSeen('ip', 'principal-15', '10.0.0.1')).toBe(false);
    expect(state.firstSeen('ip', 'principal-14', '10.0.0.1')).toBe(true);
  });

  it('holds at most maxBytes of estimated entry size', () => {
    const clock = { now: T0 };
    const state = new StateCache({ ...DEFAULT_STATE_OPTIONS, maxBytes: 20_000, now: () => clock.now });
    for (let index = 0; index < 1000; index += 1) {
      state.firstSeen('ip', `principal-${String(index).padStart(4, '0')}`, '10.0.0.1');
    }
    // Each entry: ('seen:ip:principal-0000'.length + '{"values":["10.0.0.1"]}'.length) * 2 + 160 = 250 bytes.
    expect(state.size).toBe(80);
    expect(state.calculatedBytes).toBe(20_000);
  });
});

describe('snapshot', () => {
  function populated(): { state: StateCache; clock: { now: number } } {
    const { state, clock } = testCache();
    state.apply(
      cloudTrailEvent('ec2:RunInstances', {
        requestParameters: { instanceType: 'p4d.24xlarge', iamInstanceProfile: { name: 'gpu' } },
        responseElements: {
          instancesSet: {
            items: [{ instanceId: 'i-1', tagSet: { items: [{ key: 'env', value: 'prod' }] } }],
          },
        },
      }),
    );
    state.apply(
      cloudTrailEvent('ec2:AuthorizeSecurityGroupIngress', {
        requestParameters: {
          groupId: 'sg-1',
          ipPermissions: { items: [{ ipProtocol: '-1', ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } }] },
        },
      }),
    );
    state.apply(
      cloudTrailEvent('iam:PutRolePolicy', {
        requestParameters: {
          roleName: 'gpu-role',
          policyName: 'all',
          policyDocument: '{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
        },
      }),
    );
    state.apply(
      cloudTrailEvent('iam:AddRoleToInstanceProfile', {
        requestParameters: { instanceProfileName: 'gpu', roleName: 'gpu-role' },
      }),
    );
    clock.now = T0 + 20 * DAY;
    state.firstSeen('ip', 'alice', '203.0.113.7');
    state.earliest('region', '1111/eu-west-1', T0 + DAY);
    state.appendToSeries('egress', 'eni-1', 1.5e9, 24);
    return { state, clock };
  }

  it('restores equal lookups, sizes and LRU order', () => {
    const { state, clock } = populated();
    const snapshot = state.snapshot();
    const restored = StateCache.restore(snapshot, { ...DEFAULT_STATE_OPTIONS, now: () => clock.now });
    // Same entries, expiries and least-recently-used order.
    expect(restored.snapshot().equals(snapshot)).toBe(true);
    expect(restored.size).toBe(8);
    expect(restored.earliestOf('region', '1111/eu-west-1')).toBe(T0 + DAY);
    expect(restored.series('egress', 'eni-1')).toEqual([1.5e9]);
    expect(restored.calculatedBytes).toBe(state.calculatedBytes);
    expect(restored.instance('i-1')).toEqual(state.instance('i-1'));
    expect(restored.securityGroup('sg-1')).toEqual(state.securityGroup('sg-1'));
    expect(restored.role(ACCOUNT, 'gpu-role')).toEqual({
      name: 'gpu-role',
      arn: null,
      account: '123456789012',
      policies: ['all'],
      admin: true,
    });
    expect(restored.instanceProfileRoles(ACCOUNT, 'gpu')).toEqual(['gpu-role']);
    expect(restored.accessKey('ASIASWJRT64Z7ZLFLJNI')).toEqual(state.accessKey('ASIASWJRT64Z7ZLFLJNI'));
    expect(restored.firstSeen('ip', 'alice', '203.0.113.7')).toBe(false);
    expect(Object.getPrototypeOf(restored.instance('i-1'))).toBe(Object.prototype);
    // Restored entries keep their expiry: the instance learned at T0 goes at T0 + TTL, not 20 days later.
    clock.now = T0 + TTL + 1;
    expect(restored.instance('i-1')).toBeUndefined();
    expect(restored.firstSeen('ip', 'alice', '203.0.113.7')).toBe(false);
  });

  it('keeps each entry’s expiry and drops entries already expired at restore', () => {
    const { state, clock } = populated();
    const snapshot = state.snapshot();
    clock.now = T0 + TTL + 1;
    const restored = StateCache.restore(snapshot, { ...DEFAULT_STATE_OPTIONS, now: () => clock.now });
    expect(restored.size).toBe(3);
    expect(restored.instance('i-1')).toBeUndefined();
    expect(restored.firstSeen('ip', 'alice', '203.0.113.7')).toBe(false);
    clock.now = T0 + 20 * DAY + TTL + 1;
    const later = StateCache.restore(snapshot, { ...DEFAULT_STATE_OPTIONS, now: () => clock.now });
    expect(later.size).toBe(0);
  });

  it('rejects a buffer that is not a snapshot', () => {
    expect(() =>
      StateCache.restore(Buffer.from('not avro'), { ...DEFAULT_STATE_OPTIONS, now: () => T0 }),
    ).toThrow();
  });
});

describe('STATE_ROUTES', () => {
  it('lists every CloudTrail action the cache learns from', () => {
    expect(STATE_ROUTES).toEqual([
      {
        source: 'cloudtrail',
        actions: [
          'ec2:RunInstances',
          'ec2:TerminateInstances',
          'ec2:CreateTags',
          'ec2:DeleteTags',
          'ec2:AuthorizeSecurityGroupIngress',
          'ec2:RevokeSecurityGroupIngress',
          'ec2:DeleteSecurityGroup',
          'iam:CreateRole',
          'iam:DeleteRole',
          'iam:AttachRolePolicy',
          'iam:DetachRolePolicy',
          'iam:PutRolePolicy',
          'iam:DeleteRolePolicy',
          'iam:CreateInstanceProfile',
          'iam:DeleteInstanceProfile',
          'iam:AddRoleToInstanceProfile',
          'iam:RemoveRoleFromInstanceProfile',
          'iam:CreateAccessKey',
        ],
      },
    ]);
  });
});

describe('hostile input', () => {
  const garbage: JsonValue[] = [
    null,
    42,
    'RunInstances',
    [],
    { requestParameters: 'x', responseElements: 7 },
    { requestParameters: { instancesSet: { items: 'nope' }, resourcesSet: [null, { resourceId: 5 }] } },
    { requestParameters: { groupId: {}, roleName: ['a'], instanceProfileName: 1, policyArn: null } },
    {
      requestParameters: {
        groupId: 'sg-x',
        ipPermissions: {
          items: [
            null,
            1,
            { ipProtocol: {} },
            { ipProtocol: 'tcp', fromPort: 'ssh', ipRanges: { items: [{ cidrIp: 5 }, '0.0.0.0/0'] } },
          ],
        },
        roleName: 'r',
        policyName: 'p',
        policyDocument: '{"Statement": "*"}',
        tagSpecificationSet: { items: [{ resourceType: 'instance', tags: 'none' }] },
      },
      responseElements: {
        instancesSet: {
          items: [
            { instanceId: 7 },
            null,
            { instanceId: 'i-x', tagSet: { items: [{ key: '__proto__', value: 'p' }, { key: 5 }] } },
          ],
        },
        accessKey: { accessKeyId: ['AKIA'] },
      },
    },
  ];

  it('never throws, and learns only from well-formed parts', () => {
    const { state } = testCache();
    for (const action of STATE_ROUTES.flatMap((route) => (route.actions === '*' ? [] : route.actions))) {
      for (const raw of garbage) {
        const event = cloudTrailEvent(action, {}, { raw, principal: null });
        expect(() => state.apply(event)).not.toThrow();
        expect(() => state.tagsOf(event)).not.toThrow();
      }
    }
    expect(state.instance('i-x')?.tags).toEqual(JSON.parse('{"__proto__":"p"}'));
    expect(Object.getPrototypeOf(state.instance('i-x')?.tags)).toBe(Object.prototype);
    expect(state.securityGroup('sg-x')).toBeUndefined(); // deleted again by ec2:DeleteSecurityGroup
    expect(state.role(ACCOUNT, 'r')).toMatchObject({ policies: [], admin: false }); // re-created as a stub by PutRolePolicy, then its policy deleted
  });
});

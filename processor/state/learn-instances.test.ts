import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../schemas/types.js';
import { ALICE, cloudTrailEvent, T0, testCache } from './cloudtrail-test-event.js';

/** Trimmed from a real RunInstances record (Panther corpus, AWS.EC2.Vulnerable.XZ.Image.Launched). */
function runInstances(instanceIds: string[], extraRequest: JsonObject = {}) {
  return cloudTrailEvent('ec2:RunInstances', {
    eventName: 'RunInstances',
    eventSource: 'ec2.amazonaws.com',
    requestParameters: {
      instanceType: 't3a.micro',
      instancesSet: { items: [{ imageId: 'ami-020a359780bc6f835', maxCount: 2, minCount: 1 }] },
      iamInstanceProfile: { arn: 'arn:aws:iam::123456789012:instance-profile/web' },
      tagSpecificationSet: {
        items: [
          {
            resourceType: 'instance',
            tags: [
              { key: 'Name', value: 'test' },
              { key: 'env', value: 'prod' },
            ],
          },
          { resourceType: 'volume', tags: [{ key: 'backup', value: 'daily' }] },
        ],
      },
      ...extraRequest,
    },
    responseElements: {
      instancesSet: {
        items: instanceIds.map((instanceId) => ({
          instanceId,
          instanceType: 't3a.micro',
          instanceState: { code: 0, name: 'pending' },
          tagSet: { items: [{ key: 'team', value: 'web' }] },
        })),
      },
    },
  });
}

describe('instances', () => {
  it('learns every launched instance from RunInstances', () => {
    const { state } = testCache();
    state.apply(runInstances(['i-00000000000000001', 'i-00000000000000002']));
    expect(state.instance('i-00000000000000002')).toEqual({
      id: 'i-00000000000000002',
      account: '123456789012',
      region: 'us-west-2',
      type: 't3a.micro',
      launchedAt: T0,
      launchedBy: ALICE,
      profile: 'arn:aws:iam::123456789012:instance-profile/web',
      tags: { Name: 'test', env: 'prod', team: 'web' },
      terminated: false,
    });
    expect(state.instance('arn:aws:ec2:us-west-2:123456789012:instance/i-00000000000000001')?.id).toBe(
      'i-00000000000000001',
    );
    expect(state.size).toBe(3); // two instances and the signing key
  });

  it('takes the profile name when the request names no ARN, and ignores failed launches', () => {
    const { state } = testCache();
    state.apply(runInstances(['i-1'], { iamInstanceProfile: { name: 'web' } }));
    const failed = runInstances(['i-2']);
    state.apply({ ...failed, errorCode: 'Client.UnauthorizedOperation' });
    expect(state.instance('i-1')?.profile).toBe('web');
    expect(state.instance('i-2')).toBeUndefined();
  });

  it('marks terminated instances and leaves unknown ones unknown', () => {
    const { state } = testCache();
    state.apply(runInstances(['i-0d9853f67e40ab80b']));
    state.apply(
      cloudTrailEvent('ec2:TerminateInstances', {
        requestParameters: {
          instancesSet: { items: [{ instanceId: 'i-0d9853f67e40ab80b' }, { instanceId: 'i-9' }] },
        },
      }),
    );
    expect(state.instance('i-0d9853f67e40ab80b')?.terminated).toBe(true);
    expect(state.instance('i-9')).toBeUndefined();
  });

  it('adds tags with CreateTags, creating a stub for an unknown instance, and removes them with DeleteTags', () => {
    const { state } = testCache();
    state.apply(runInstances(['i-1']));
    state.apply(
      cloudTrailEvent(
        'ec2:CreateTags',
        {
          requestParameters: {
            resourcesSet: { items: [{ resourceId: 'i-1' }, { resourceId: 'i-2' }, { resourceId: 'vol-1' }] },
            tagSet: {
              items: [
                { key: 'owner', value: 'bob' },
                { key: 'env', value: 'dev' },
              ],
            },
          },
        },
        { time: T0 + 1000 },
      ),
    );
    expect(state.instance('i-1')?.tags).toEqual({ Name: 'test', env: 'dev', team: 'web', owner: 'bob' });
    expect(state.instance('i-2')).toEqual({
      id: 'i-2',
      account: '123456789012',
      region: 'us-west-2',
      type: null,
      launchedAt: T0 + 1000,
      launchedBy: null,
      profile: null,
      tags: { owner: 'bob', env: 'dev' },
      terminated: false,
    });
    expect(state.instance('vol-1')).toBeUndefined();

    state.apply(
      cloudTrailEvent('ec2:DeleteTags', {
        requestParameters: {
          resourcesSet: { items: [{ resourceId: 'i-1' }] },
          // `team` only when its value is `db` (it is `web`): kept, as EC2 does.
          tagSet: { items: [{ key: 'owner' }, { key: 'team', value: 'db' }, { key: 'Name', value: 'test' }] },
        },
      }),
    );
    expect(state.instance('i-1')?.tags).toEqual({ env: 'dev', team: 'web' });
  });

  it('merges the tags of every instance an event is about', () => {
    const { state } = testCache();
    state.apply(runInstances(['i-1']));
    state.apply(
      cloudTrailEvent('ec2:CreateTags', {
        requestParameters: {
          resourcesSet: { items: [{ resourceId: 'i-2' }] },
          tagSet: { items: [{ key: 'pci', value: 'yes' }] },
        },
      }),
    );
    const stop = cloudTrailEvent('ec2:StopInstances', {
      requestParameters: { instancesSet: { items: [{ instanceId: 'i-2' }] } },
    });
    expect(state.tagsOf(stop)).toEqual({ pci: 'yes' });
    const both = cloudTrailEvent(
      'ec2:StopInstances',
      {},
      {
        resources: [
          {
            type: 'AWS::EC2::Instance',
            id: 'arn:aws:ec2:us-west-2:123456789012:instance/i-1',
            account: null,
          },
        ],
        raw: { requestParameters: { instancesSet: { items: [{ instanceId: 'i-2' }] } } },
      },
    );
    expect(state.tagsOf(both)).toEqual({ Name: 'test', env: 'prod', team: 'web', pci: 'yes' });
    expect(state.tagsOf(cloudTrailEvent('ec2:StopInstances', {}))).toEqual({});
  });

  it('resolves tags for flow records and GuardDuty instance findings', () => {
    const { state } = testCache();
    state.apply(runInstances(['i-1']));
    const base = cloudTrailEvent('ACCEPT', {});
    const flow = { ...base, source: 'flowlog' as const, principal: null };
    const flowEvent = { ...flow, flow: { instanceId: 'i-1' } as NonNullable<typeof base.flow> };
    expect(state.tagsOf(flowEvent)).toEqual({ Name: 'test', env: 'prod', team: 'web' });
    const finding = {
      ...base,
      source: 'guardduty' as const,
      action: 'Backdoor:EC2/C&CActivity.B!DNS',
      guardduty: {
        type: 'Backdoor:EC2/C&CActivity.B!DNS',
        severity: 8,
        title: null,
        resourceType: 'Instance',
        resourceId: 'i-1',
        actionType: 'DNS_REQUEST',
        remoteIp: null,
        count: 1,
        firstSeen: null,
        lastSeen: null,
        archived: null,
      },
    };
    expect(state.tagsOf(finding)).toEqual({ Name: 'test', env: 'prod', team: 'web' });
    expect(
      state.tagsOf({ ...finding, guardduty: { ...finding.guardduty, resourceType: 'AccessKey' } }),
    ).toEqual({});
  });
});

import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../../schemas/types.js';
import { testEvent } from '../../../test/events.js';
import { instanceLaunch, instancesLabel, lastPathSegment } from './instance-launch.js';

const launchEvent = (raw: JsonValue) => testEvent({ id: 'e1', time: 0, raw });

describe('instanceLaunch', () => {
  it('reads instances, type, instance tags (request and response) and profile from RunInstances', () => {
    const launch = instanceLaunch(
      launchEvent({
        requestParameters: {
          instanceType: 'm6i.large',
          iamInstanceProfile: { arn: 'arn:aws:iam::111122223333:instance-profile/web' },
          tagSpecificationSet: {
            items: [
              { resourceType: 'instance', tags: [{ key: 'owner', value: 'web' }] },
              { resourceType: 'volume', tags: [{ key: 'cost-center', value: '7' }] },
            ],
          },
        },
        responseElements: {
          instancesSet: {
            items: [
              { instanceId: 'i-1', tagSet: { items: [{ key: 'Name', value: 'a' }] } },
              { instanceId: 'i-2' },
            ],
          },
        },
      }),
    );
    expect(launch).toEqual({
      instanceIds: ['i-1', 'i-2'],
      count: 2,
      instanceType: 'm6i.large',
      tags: { owner: 'web', Name: 'a' },
      profile: 'arn:aws:iam::111122223333:instance-profile/web',
      resources: [
        { type: 'AWS::EC2::Instance', id: 'i-1', account: '111122223333' },
        { type: 'AWS::EC2::Instance', id: 'i-2', account: '111122223333' },
      ],
    });
    expect(instancesLabel(launch)).toBe('i-1, i-2');
  });

  it('falls back to the requested count when there is no response, and survives garbage', () => {
    const failed = instanceLaunch(
      launchEvent({
        requestParameters: { instancesSet: { items: [{ maxCount: 4 }] }, iamInstanceProfile: { name: 'p' } },
      }),
    );
    expect([failed.instanceIds, failed.count, failed.instanceType, failed.profile]).toEqual([
      [],
      4,
      null,
      'p',
    ]);
    expect(instancesLabel(failed)).toBe('4 instances');
    const garbage = instanceLaunch(
      launchEvent({ requestParameters: 'x', responseElements: { instancesSet: 7 } }),
    );
    expect([garbage.instanceIds, garbage.count, garbage.tags]).toEqual([[], 1, {}]);
  });

  it('takes the last path segment of an instance profile ARN', () => {
    expect(lastPathSegment('arn:aws:iam::1:instance-profile/path/web')).toBe('web');
    expect(lastPathSegment('web')).toBe('web');
  });
});

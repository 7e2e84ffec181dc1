import { describe, expect, it } from 'vitest';
import { ALICE, cloudTrailEvent, testCache } from './cloudtrail-test-event.js';

describe('access keys', () => {
  it('learns the owner of a key created for a user', () => {
    const { state } = testCache();
    state.apply(
      cloudTrailEvent('iam:CreateAccessKey', {
        requestParameters: { userName: 'deploy' },
        responseElements: {
          accessKey: {
            accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
            userName: 'deploy',
            status: 'Active',
            createDate: 'Jan 1, 2024',
          },
        },
      }),
    );
    expect(state.accessKey('AKIAIOSFODNN7EXAMPLE')).toEqual({
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      principal: 'deploy',
      account: '123456789012',
    });
  });

  it('gives a key created without a user name (root, Panther corpus) to the caller', () => {
    const { state } = testCache();
    const root = 'arn:aws:iam::123456789012:root';
    const event = cloudTrailEvent('iam:CreateAccessKey', {
      requestParameters: null,
      responseElements: {
        accessKey: { accessKeyId: 'AKIA1111', createDate: 'Jan 01, 2019 0:00:00 PM', status: 'Active' },
      },
    });
    state.apply({
      ...event,
      principal: { ...event.principal!, type: 'Root', arn: root, name: 'root', accessKeyId: null },
    });
    expect(state.accessKey('AKIA1111')?.principal).toBe(root);
  });

  it('learns which principal signs with a key from any event, failed ones included', () => {
    const { state } = testCache();
    state.apply(cloudTrailEvent('s3:GetObject', {}, { errorCode: 'AccessDenied' }));
    expect(state.accessKey('ASIASWJRT64Z7ZLFLJNI')).toEqual({
      accessKeyId: 'ASIASWJRT64Z7ZLFLJNI',
      principal: ALICE,
      account: '123456789012',
    });
    expect(state.accessKey('AKIAUNKNOWN')).toBeUndefined();
  });
});

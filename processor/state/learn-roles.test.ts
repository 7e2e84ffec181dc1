import { describe, expect, it } from 'vitest';
import { ACCOUNT, cloudTrailEvent, testCache } from './cloudtrail-test-event.js';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/service/LambdaFunctionRole-1111';
const ADMIN_DOCUMENT = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::logs/*' },
    { Effect: 'Allow', Action: ['*'], Resource: '*' },
  ],
});

function createRole() {
  return cloudTrailEvent('iam:CreateRole', {
    eventName: 'CreateRole',
    requestParameters: { roleName: 'LambdaFunctionRole-1111', path: '/service/' },
    responseElements: { role: { roleName: 'LambdaFunctionRole-1111', arn: ROLE_ARN, path: '/service/' } },
  });
}

function rolePolicy(action: string, requestParameters: Record<string, string>) {
  return cloudTrailEvent(`iam:${action}`, {
    eventName: action,
    requestParameters: { roleName: 'LambdaFunctionRole-1111', ...requestParameters },
    responseElements: null,
  });
}

describe('roles', () => {
  it('learns a created role by name or ARN', () => {
    const { state } = testCache();
    state.apply(createRole());
    const expected = {
      name: 'LambdaFunctionRole-1111',
      arn: ROLE_ARN,
      account: '123456789012',
      policies: [],
      admin: false,
    };
    expect(state.role(ACCOUNT, 'LambdaFunctionRole-1111')).toEqual(expected);
    expect(state.role(null, ROLE_ARN)).toEqual(expected);
  });

  it('is admin while AdministratorAccess is attached', () => {
    const { state } = testCache();
    state.apply(createRole());
    state.apply(rolePolicy('AttachRolePolicy', { policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }));
    state.apply(rolePolicy('AttachRolePolicy', { policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
    expect(state.role(null, ROLE_ARN)).toMatchObject({
      policies: ['arn:aws:iam::aws:policy/ReadOnlyAccess', 'arn:aws:iam::aws:policy/AdministratorAccess'],
      admin: true,
    });
    state.apply(rolePolicy('DetachRolePolicy', { policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
    expect(state.role(null, ROLE_ARN)).toMatchObject({
      policies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
      admin: false,
    });
  });

  it('creates a stub for a role first seen in AttachRolePolicy', () => {
    const { state } = testCache();
    state.apply(rolePolicy('AttachRolePolicy', { policyArn: 'arn:aws:iam::aws:policy/example-policy' }));
    expect(state.role(ACCOUNT, 'LambdaFunctionRole-1111')).toEqual({
      name: 'LambdaFunctionRole-1111',
      arn: null,
      account: '123456789012',
      policies: ['arn:aws:iam::aws:policy/example-policy'],
      admin: false,
    });
  });

  it('is admin while an inline policy allows * on *, plain or URL-encoded', () => {
    const { state } = testCache();
    state.apply(createRole());
    state.apply(rolePolicy('PutRolePolicy', { policyName: 'everything', policyDocument: ADMIN_DOCUMENT }));
    expect(state.role(null, ROLE_ARN)).toMatchObject({ policies: ['everything'], admin: true });
    // Overwriting the same inline policy with a narrow one removes admin.
    const narrow = JSON.stringify({
      Statement: { Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::logs' },
    });
    state.apply(rolePolicy('PutRolePolicy', { policyName: 'everything', policyDocument: narrow }));
    expect(state.role(null, ROLE_ARN)).toMatchObject({ policies: ['everything'], admin: false });
    state.apply(
      rolePolicy('PutRolePolicy', {
        policyName: 'encoded',
        policyDocument: encodeURIComponent(ADMIN_DOCUMENT),
      }),
    );
    expect(state.role(null, ROLE_ARN)).toMatchObject({ policies: ['everything', 'encoded'], admin: true });
    state.apply(rolePolicy('DeleteRolePolicy', { policyName: 'encoded' }));
    expect(state.role(null, ROLE_ARN)).toMatchObject({ policies: ['everything'], admin: false });
  });

  it('does not count Deny statements or unparsable documents as admin', () => {
    const { state } = testCache();
    const deny = JSON.stringify({ Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] });
    state.apply(rolePolicy('PutRolePolicy', { policyName: 'deny', policyDocument: deny }));
    state.apply(rolePolicy('PutRolePolicy', { policyName: 'broken', policyDocument: '%E0%A4%A{not json' }));
    expect(state.role(null, ROLE_ARN)).toMatchObject({ policies: ['deny', 'broken'], admin: false });
  });

  it('forgets a deleted role and re-creates it without policies', () => {
    const { state } = testCache();
    state.apply(createRole());
    state.apply(rolePolicy('AttachRolePolicy', { policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
    state.apply(rolePolicy('DeleteRole', {}));
    expect(state.role(null, ROLE_ARN)).toBeUndefined();
    state.apply(createRole());
    expect(state.role(null, ROLE_ARN)).toMatchObject({ policies: [], admin: false });
  });

  it('keeps what a stub learned when its CreateRole arrives after AttachRolePolicy (out of order)', () => {
    const { state } = testCache();
    state.apply(rolePolicy('AttachRolePolicy', { policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
    state.apply(createRole());
    expect(state.role(null, ROLE_ARN)).toMatchObject({ arn: ROLE_ARN, admin: true });
  });

  it('keeps the same role name in two accounts apart', () => {
    const { state } = testCache();
    const other = { account: '444455556666' };
    state.apply(cloudTrailEvent('iam:CreateRole', { requestParameters: { roleName: 'deploy' } }));
    state.apply(cloudTrailEvent('iam:CreateRole', { requestParameters: { roleName: 'deploy' } }, other));
    state.apply(
      cloudTrailEvent(
        'iam:AttachRolePolicy',
        {
          requestParameters: { roleName: 'deploy', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
        },
        other,
      ),
    );
    expect(state.role(ACCOUNT, 'deploy')).toMatchObject({ account: ACCOUNT, admin: false });
    expect(state.role('444455556666', 'deploy')).toMatchObject({ account: '444455556666', admin: true });
    expect(state.role(ACCOUNT, 'arn:aws:iam::444455556666:role/deploy')?.admin).toBe(true);
    state.apply(cloudTrailEvent('iam:DeleteRole', { requestParameters: { roleName: 'deploy' } }));
    expect(state.role(ACCOUNT, 'deploy')).toBeUndefined();
    expect(state.role('444455556666', 'deploy')).toBeDefined();
  });
});

import { describe, expect, it } from 'vitest';
import type { JsonObject, Principal } from '../../../schemas/types.js';
import { testEvent } from '../../../test/events.js';
import { isAwsServiceCall, isPersonCall } from './caller.js';

const person: Principal = {
  type: 'IAMUser',
  arn: 'arn:aws:iam::111122223333:user/alice',
  name: 'alice',
  account: '111122223333',
  sessionIssuer: null,
  mfa: null,
  accessKeyId: 'AKIAEXAMPLE',
};

describe('isAwsServiceCall', () => {
  it('recognises service identities, invokedBy and service source addresses', () => {
    const call = (principal: Principal | null, raw: JsonObject) =>
      isAwsServiceCall(testEvent({ id: 'e', time: 0, principal, raw }));
    expect(call({ ...person, type: 'AWSService' }, {})).toBe(true);
    expect(call(person, { userIdentity: { invokedBy: 'cloudformation.amazonaws.com' } })).toBe(true);
    expect(call(person, { sourceIPAddress: 'sqs.amazonaws.com' })).toBe(true);
    expect(call(person, { sourceIPAddress: 'AWS Internal' })).toBe(true);
    expect(call(person, { sourceIPAddress: '3.10.107.144' })).toBe(false);
    expect(call(null, { sourceIPAddress: 42 })).toBe(false);
  });
});

describe('isPersonCall', () => {
  const call = (principal: Principal | null, raw: JsonObject = {}) =>
    isPersonCall(testEvent({ id: 'e', time: 0, principal, raw }));
  const session = (issuer: string): Principal => ({
    ...person,
    type: 'AssumedRole',
    arn: 'arn:aws:sts::111122223333:assumed-role/x/y',
    sessionIssuer: issuer,
  });

  it('counts IAM users, root, Identity Center sessions and console sessions as people', () => {
    expect(call(person)).toBe(true);
    expect(call({ ...person, type: 'Root' })).toBe(true);
    expect(
      call(
        session(
          'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/us-west-2/AWSReservedSSO_Dev_1',
        ),
      ),
    ).toBe(true);
    expect(call(session('arn:aws:iam::111122223333:role/AWSReservedSSO_Admin_2'))).toBe(true);
    expect(
      call(session('arn:aws:iam::111122223333:role/ops'), { sessionCredentialFromConsole: 'true' }),
    ).toBe(true);
  });

  it('counts workload roles and unknown callers as not people', () => {
    expect(call(session('arn:aws:iam::111122223333:role/web-app-role'))).toBe(false);
    expect(call(null)).toBe(false);
  });
});

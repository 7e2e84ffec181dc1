import { describe, expect, it } from 'vitest';
import type { JsonObject, Principal } from '../../../schemas/types.js';
import { testEvent } from '../../../test/events.js';
import { actsOnOwnUser, targetUserName } from './iam-target-user.js';

const user = (arn: string, name: string): Principal => ({
  type: 'IAMUser',
  arn,
  name,
  account: '111122223333',
  sessionIssuer: null,
  mfa: null,
  accessKeyId: null,
});

function call(principal: Principal | null, raw: JsonObject) {
  return testEvent({ id: 'e', time: 0, action: 'iam:CreateAccessKey', principal, raw });
}

describe('IAM credential call targets', () => {
  it('read the target from the request, else from the response, else none', () => {
    expect(targetUserName(call(null, { requestParameters: { userName: 'bob' } }))).toBe('bob');
    expect(
      targetUserName(
        call(null, { requestParameters: null, responseElements: { accessKey: { userName: 'x' } } }),
      ),
    ).toBe('x');
    expect(targetUserName(call(null, { requestParameters: null, responseElements: null }))).toBeNull();
  });

  it('tell self-service from acting on another user, by the caller ARN and not by substrings', () => {
    const jackson = user('arn:aws:iam::111122223333:user/jackson', 'jackson');
    const pathed = user('arn:aws:iam::111122223333:user/ops/alice', 'alice');
    expect(actsOnOwnUser(call(jackson, { requestParameters: { userName: 'jackson' } }))).toBe(true);
    expect(actsOnOwnUser(call(jackson, { requestParameters: { userName: 'jack' } }))).toBe(false);
    expect(actsOnOwnUser(call(pathed, { requestParameters: { userName: 'alice' } }))).toBe(true);
    expect(actsOnOwnUser(call(jackson, { requestParameters: null }))).toBe(true);
  });

  it('count roles, root and unknown callers naming a user as acting on another identity', () => {
    const role: Principal = {
      ...user('arn:aws:sts::111122223333:assumed-role/admin/bob', 'bob'),
      type: 'AssumedRole',
    };
    expect(actsOnOwnUser(call(role, { requestParameters: { userName: 'bob' } }))).toBe(false);
    expect(actsOnOwnUser(call(null, { requestParameters: { userName: 'bob' } }))).toBe(false);
  });
});

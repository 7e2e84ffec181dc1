import { describe, expect, it } from 'vitest';
import type { JsonValue, Principal } from '../../../schemas/types.js';
import { testEvent } from '../../../test/events.js';
import { actorKind, outsideAutomation, roleArnOf } from './actor-kind.js';

const ACCOUNT = '111122223333';

function call(principal: Partial<Principal> | null, raw: JsonValue = {}) {
  return testEvent({
    id: 'e',
    time: 0,
    principal:
      principal === null
        ? null
        : {
            type: null,
            arn: null,
            name: null,
            account: ACCOUNT,
            sessionIssuer: null,
            mfa: null,
            accessKeyId: null,
            ...principal,
          },
    raw,
  });
}

function session(role: string, name: string, path = '/', raw: JsonValue = {}) {
  return call(
    {
      type: 'AssumedRole',
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${name}`,
      name,
      sessionIssuer: `arn:aws:iam::${ACCOUNT}:role${path}${role}`,
    },
    raw,
  );
}

describe('actorKind', () => {
  it('takes users, root, federated users and Identity Center sessions for people', () => {
    expect(actorKind(call({ type: 'IAMUser', name: 'alice' }))).toBe('person');
    expect(actorKind(call({ type: 'Root' }))).toBe('person');
    expect(actorKind(call({ type: 'FederatedUser' }))).toBe('person');
    expect(actorKind(call({ type: 'IdentityCenterUser' }))).toBe('person');
    const sso = session(
      'AWSReservedSSO_Admin_0a1b2c3d',
      'erin',
      '/aws-reserved/sso.amazonaws.com/eu-west-1/',
    );
    expect(actorKind(sso)).toBe('person');
    // a trimmed record: no session issuer, the role only in the session ARN
    const trimmed = call({
      type: 'AssumedRole',
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_Dev_9f/bob`,
    });
    expect(actorKind(trimmed)).toBe('person');
  });

  it('takes console sessions and e-mail-named federation sessions for people', () => {
    expect(actorKind(session('okta-admins', 'dana@acme.example'))).toBe('person');
    expect(actorKind(session('break-glass', 'ops', '/', { sessionCredentialFromConsole: 'true' }))).toBe(
      'person',
    );
  });

  it('takes other role sessions for roles, and AWS acting for services', () => {
    expect(actorKind(session('github-actions-deploy', 'GitHubActions'))).toBe('role');
    expect(actorKind(session('web-app-role', 'i-0a1b2c3d4e5f67890'))).toBe('role');
    expect(
      actorKind(
        session(
          'AWSServiceRoleForAutoScaling',
          'AutoScaling',
          '/aws-service-role/autoscaling.amazonaws.com/',
        ),
      ),
    ).toBe('service');
    expect(actorKind(call({ type: 'AWSService' }))).toBe('service');
    expect(
      actorKind(call({ type: 'AssumedRole' }, { userIdentity: { invokedBy: 'eks.amazonaws.com' } })),
    ).toBe('service');
    expect(actorKind(call(null))).toBe('unknown');
  });

  it('rebuilds the role from the session ARN when the issuer is missing', () => {
    expect(
      roleArnOf(call({ type: 'AssumedRole', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/run-1` })),
    ).toBe(`arn:aws:iam::${ACCOUNT}:role/deployer`);
    expect(roleArnOf(call({ type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/alice` }))).toBeNull();
  });
});

describe('outsideAutomation', () => {
  it('reports people always, roles outside the automation globs, services never', () => {
    const reported = outsideAutomation(['arn:aws:iam::*:role/github-*']);
    expect(reported(call({ type: 'IAMUser' }))).toBe(true);
    expect(reported(session('github-actions-deploy', 'GitHubActions'))).toBe(false);
    expect(reported(session('web-app-role', 'i-0a1b2c3d4e5f67890'))).toBe(true);
    expect(reported(call({ type: 'AWSService' }))).toBe(false);
    expect(outsideAutomation(['*'])(session('web-app-role', 'i-0a1b2c3d4e5f67890'))).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { ACCOUNT, cloudTrailEvent, testCache } from './cloudtrail-test-event.js';

const PROFILE_ARN = 'arn:aws:iam::123456789012:instance-profile/ec2/web';

function profileEvent(action: string, roleName?: string) {
  return cloudTrailEvent(`iam:${action}`, {
    eventName: action,
    requestParameters: { instanceProfileName: 'web', ...(roleName ? { roleName } : {}) },
    responseElements:
      action === 'CreateInstanceProfile'
        ? { instanceProfile: { instanceProfileName: 'web', arn: PROFILE_ARN, path: '/ec2/', roles: [] } }
        : null,
  });
}

describe('instance profiles', () => {
  it('tracks the roles of a profile, by name or ARN', () => {
    const { state } = testCache();
    state.apply(profileEvent('CreateInstanceProfile'));
    expect(state.instanceProfileRoles(null, PROFILE_ARN)).toEqual([]);
    state.apply(profileEvent('AddRoleToInstanceProfile', 'web-role'));
    state.apply(profileEvent('AddRoleToInstanceProfile', 'web-role'));
    expect(state.instanceProfileRoles(ACCOUNT, 'web')).toEqual(['web-role']);
    expect(state.instanceProfileRoles(null, PROFILE_ARN)).toEqual(['web-role']);
    state.apply(profileEvent('RemoveRoleFromInstanceProfile', 'web-role'));
    expect(state.instanceProfileRoles(ACCOUNT, 'web')).toEqual([]);
  });

  it('learns a profile first seen in AddRoleToInstanceProfile and forgets a deleted one', () => {
    const { state } = testCache();
    state.apply(profileEvent('AddRoleToInstanceProfile', 'admin-role'));
    expect(state.instanceProfileRoles(ACCOUNT, 'web')).toEqual(['admin-role']);
    state.apply(profileEvent('DeleteInstanceProfile'));
    expect(state.instanceProfileRoles(ACCOUNT, 'web')).toEqual([]);
    expect(state.instanceProfileRoles(ACCOUNT, 'never-seen')).toEqual([]);
  });

  it('keeps the roles of a stub when its CreateInstanceProfile arrives after them (out of order)', () => {
    const { state } = testCache();
    state.apply(profileEvent('AddRoleToInstanceProfile', 'admin-role'));
    state.apply(profileEvent('CreateInstanceProfile'));
    expect(state.instanceProfileRoles(null, PROFILE_ARN)).toEqual(['admin-role']);
  });
});

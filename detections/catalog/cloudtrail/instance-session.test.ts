import { describe, expect, it } from 'vitest';
import { testEvent } from '../../../test/events.js';
import { instanceSessionOf, isAgentCall } from './instance-session.js';

function call(
  type: string,
  name: string,
  userAgent: string | null = null,
  eventSource = 'ec2.amazonaws.com',
) {
  return testEvent({
    id: 'e',
    time: 0,
    userAgent,
    principal: { type, arn: null, name, account: null, sessionIssuer: null, mfa: null, accessKeyId: null },
    raw: { eventSource },
  });
}

describe('instanceSessionOf', () => {
  it('gives the instance id of a role session named after an instance', () => {
    expect(instanceSessionOf(call('AssumedRole', 'i-0a1b2c3d4e5f67890'))).toBe('i-0a1b2c3d4e5f67890');
    expect(instanceSessionOf(call('AssumedRole', 'i-0a1b2c3d'))).toBe('i-0a1b2c3d');
    // LogLicker-anonymised records mix the case of the hex digits
    expect(instanceSessionOf(call('AssumedRole', 'i-DDd6c7B0e18F0E35f'))).toBe('i-DDd6c7B0e18F0E35f');
  });

  it('gives null for other sessions and identities', () => {
    expect(instanceSessionOf(call('AssumedRole', 'GitHubActions'))).toBeNull();
    expect(instanceSessionOf(call('AssumedRole', 'i-notaninstance'))).toBeNull();
    expect(instanceSessionOf(call('IAMUser', 'i-0a1b2c3d4e5f67890'))).toBeNull();
  });
});

describe('isAgentCall', () => {
  it('recognises the SSM agent by its channels and its user agent', () => {
    expect(isAgentCall(call('AssumedRole', 'i-1', null, 'ssmmessages.amazonaws.com'))).toBe(true);
    expect(isAgentCall(call('AssumedRole', 'i-1', null, 'ec2messages.amazonaws.com'))).toBe(true);
    const agent = 'aws-sdk-go/1.55.5 (go1.22.7; linux; amd64) amazon-ssm-agent/3.3.987.0';
    expect(isAgentCall(call('AssumedRole', 'i-1', agent, 'ssm.amazonaws.com'))).toBe(true);
    expect(isAgentCall(call('AssumedRole', 'i-1', 'aws-cli/2.15.30', 'ssm.amazonaws.com'))).toBe(false);
  });
});

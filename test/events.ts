import type { SecurityEvent } from '../schemas/types.js';

/** A minimal SecurityEvent for unit tests of stages after decode; override what the test is about. */
export function testEvent(
  overrides: Partial<SecurityEvent> & Pick<SecurityEvent, 'id' | 'time'>,
): SecurityEvent {
  return {
    source: 'cloudtrail',
    account: '111122223333',
    region: 'us-east-1',
    action: 'ec2:RunInstances',
    principal: null,
    srcIp: null,
    userAgent: null,
    errorCode: null,
    readOnly: false,
    resources: [],
    flow: null,
    guardduty: null,
    raw: {},
    ...overrides,
  };
}

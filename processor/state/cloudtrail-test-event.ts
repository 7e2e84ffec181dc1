import type { JsonObject, SecurityEvent } from '../../schemas/types.js';
import { testEvent } from '../../test/events.js';
import { DEFAULT_STATE_OPTIONS } from './options.js';
import { StateCache } from './state-cache.js';

/** 2024-04-02T15:13:06Z, the time of the tests' first event. */
export const T0 = Date.parse('2024-04-02T15:13:06Z');
/** The account of the tests' events. */
export const ACCOUNT = '123456789012';
export const ALICE = 'arn:aws:sts::123456789012:assumed-role/Admin/alice';

let sequence = 0;

/**
 * A decoded CloudTrail event for state tests: `raw` is the CloudTrail record (requestParameters,
 * responseElements), the principal an assumed-role session signed with an ASIA key.
 *
 *   state.apply(cloudTrailEvent('iam:CreateRole', { requestParameters: { roleName: 'ci' } }));
 */
export function cloudTrailEvent(
  action: string,
  raw: JsonObject,
  overrides: Partial<SecurityEvent> = {},
): SecurityEvent {
  sequence += 1;
  return testEvent({
    id: `event-${sequence}`,
    time: T0,
    account: ACCOUNT,
    region: 'us-west-2',
    action,
    principal: {
      type: 'AssumedRole',
      arn: ALICE,
      name: 'alice',
      account: '123456789012',
      sessionIssuer: 'arn:aws:iam::123456789012:role/Admin',
      mfa: true,
      accessKeyId: 'ASIASWJRT64Z7ZLFLJNI',
    },
    raw,
    ...overrides,
  });
}

/** A cache with default bounds whose event-time clock the test moves: `clock.now = T0 + days(31)`. */
export function testCache(): { state: StateCache; clock: { now: number } } {
  const clock = { now: T0 };
  return { state: new StateCache({ ...DEFAULT_STATE_OPTIONS, now: () => clock.now }), clock };
}

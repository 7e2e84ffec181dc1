import { describe, expect, it } from 'vitest';
import { ACCOUNT, cloudTrailEvent, T0 } from './cloudtrail-test-event.js';
import { DurableState } from './durable-state.js';
import { DEFAULT_STATE_OPTIONS } from './options.js';
import { StateCache } from './state-cache.js';

const MINUTE = 60_000;
const options = { ...DEFAULT_STATE_OPTIONS, now: () => T0 };
const attach = (minute: number, policyArn: string) =>
  cloudTrailEvent(
    'iam:AttachRolePolicy',
    { requestParameters: { roleName: 'ci', policyArn } },
    { time: T0 + minute * MINUTE },
  );
const detach = (minute: number, policyArn: string) =>
  cloudTrailEvent(
    'iam:DetachRolePolicy',
    { requestParameters: { roleName: 'ci', policyArn } },
    { time: T0 + minute * MINUTE },
  );
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';

const restoredFrom = (durable: DurableState) => {
  const { snapshot, learnedUpTo } = durable.save();
  return { snapshots: [snapshot], learnedUpTo };
};

/** Whether role `ci` is admin in the state a DurableState would save. */
const roleIsAdmin = (durable: DurableState): boolean =>
  StateCache.restore(durable.save().snapshot, options).role(ACCOUNT, 'ci')?.admin === true;

describe('DurableState', () => {
  it('learns an event only once the bound passes it, in event-time order whatever the arrival order', () => {
    const durable = new DurableState(options);
    durable.observe(detach(20, ADMIN)); // arrives first, happened last
    durable.observe(attach(10, ADMIN));
    durable.advanceTo(T0 + 15 * MINUTE);
    const attached = new DurableState(options, restoredFrom(durable));
    expect(durable.learnedUpTo).toBe(T0 + 15 * MINUTE);
    expect(durable.waiting).toBe(1);
    durable.advanceTo(T0 + 25 * MINUTE);
    expect(durable.waiting).toBe(0);
    // Restored copies answer lookups as of their bound: admin after the attach, not after the detach.
    expect(roleIsAdmin(attached)).toBe(true);
    expect(roleIsAdmin(durable)).toBe(false);
  });

  it('a restored copy skips replayed events it already covers, and learns late arrivals', () => {
    const durable = new DurableState(options);
    durable.observe(attach(10, ADMIN));
    durable.advanceTo(T0 + 15 * MINUTE);
    const taker = new DurableState(options, restoredFrom(durable));
    taker.observe(attach(10, ADMIN), true); // replayed: already in the snapshot
    taker.observe(detach(12, ADMIN), false); // arrived after the snapshot, behind its bound: late, learned at once
    expect(roleIsAdmin(taker)).toBe(false);
  });
});

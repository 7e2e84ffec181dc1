import type { SecurityEvent } from '../../schemas/types.js';
import { FactStore } from './fact-store.js';
import type { AccessKeyFact, InstanceFact, RoleFact, SecurityGroupFact } from './facts.js';
import { learnSigningKey } from './learn-access-keys.js';
import { LEARNERS } from './learners.js';
import type { StateOptions } from './options.js';
import { accountScoped, arnName, field, items, text } from './record-fields.js';
import { decodeSnapshot, encodeSnapshot } from './snapshot.js';

/** Values remembered per firstSeen subject; the least recently seen is dropped beyond this. */
export const MAX_SEEN_VALUES = 64;

/**
 * What detections may look up about the account: instances, security groups, roles, instance
 * profiles, access keys (learned from CloudTrail by `apply`), and first-seen values. Bounded by
 * entries and estimated bytes (LRU) and aged out in event time.
 *
 *   const state = new StateCache({ ...DEFAULT_STATE_OPTIONS, now: () => clock.latest });
 *   state.apply(event); state.instance('i-0abc')?.tags;
 */
export class StateCache {
  private readonly store: FactStore;

  constructor(options: StateOptions) {
    this.store = new FactStore(options);
  }

  get size(): number {
    return this.store.size;
  }

  get calculatedBytes(): number {
    return this.store.calculatedBytes;
  }

  /** Learns from one event: `observe` then `learn`. Never throws. */
  apply(event: SecurityEvent): void {
    this.observe(event);
    this.learn(event);
  }

  /** What any event teaches on arrival: event-time "now" for the TTL, and which principal its access key is. */
  observe(event: SecurityEvent): void {
    this.store.observe(event.time);
    if (event.source === 'cloudtrail') learnSigningKey(this.store, event);
  }

  /** Whether `learn` would learn anything from this event (a successful call with a learner). */
  static learnsFrom(event: SecurityEvent): boolean {
    return event.source === 'cloudtrail' && event.errorCode === null && LEARNERS.has(event.action);
  }

  /**
   * What a successful call in STATE_ROUTES teaches about assets (instances, groups, roles, profiles, keys).
   * The pipeline calls it in event-time order, so a lookup sees the assets as they were at the event's time.
   */
  learn(event: SecurityEvent): void {
    if (StateCache.learnsFrom(event)) LEARNERS.get(event.action)?.(this.store, event);
  }

  instance(id: string): InstanceFact | undefined {
    return this.store.get('instance', arnName(id));
  }

  securityGroup(id: string): SecurityGroupFact | undefined {
    return this.store.get('sg', arnName(id));
  }

  /** The role of `account` by name, or by ARN (whose own account then wins). */
  role(account: string | null, nameOrArn: string): RoleFact | undefined {
    return this.store.get('role', accountScoped(account, nameOrArn))?.fact;
  }

  /** Role names in the instance profile of `account` (by name or ARN), [] if unknown. */
  instanceProfileRoles(account: string | null, profileNameOrArn: string): string[] {
    return this.store.get('profile', accountScoped(account, profileNameOrArn))?.roles ?? [];
  }

  accessKey(accessKeyId: string): AccessKeyFact | undefined {
    return this.store.get('key', accessKeyId);
  }

  /** Merged tags of the instances the event is about (resources, request instancesSet, flow, GuardDuty). */
  tagsOf(event: SecurityEvent): Record<string, string> {
    let tags: Record<string, string> = {};
    for (const id of instanceIds(event)) {
      const instance = this.store.get('instance', id);
      if (instance) tags = { ...tags, ...instance.tags };
    }
    return tags;
  }

  /**
   * Records value for (kind, subject); true when this value was not known before (first seen).
   *
   *   state.firstSeen('ip', principalArn, '203.0.113.7'); // true
   *   state.firstSeen('ip', principalArn, '203.0.113.7'); // false
   */
  firstSeen(kind: string, subject: string, value: string): boolean {
    const id = `${kind}:${subject}`;
    const values = this.store.get('seen', id)?.values ?? [];
    const known = values.includes(value);
    // Moving the value to the end (and re-setting) keeps a value seen regularly from aging out.
    const kept = known ? values.filter((seen) => seen !== value) : values.slice(-(MAX_SEEN_VALUES - 1));
    this.store.set('seen', id, { values: [...kept, value] });
    return !known;
  }

  /**
   * Records that `subject` (of `kind`) occurred at event time `time`, and returns the earliest time recorded
   * for it. A minimum, so events arriving out of order give the same answer once all have arrived.
   *
   *   state.earliest('region', '1111/eu-west-1', t2); // t2
   *   state.earliest('region', '1111/eu-west-1', t1); // t1 (t1 < t2)
   */
  earliest(kind: string, subject: string, time: number): number {
    const id = `${kind}:${subject}`;
    const known = this.store.get('since', id)?.time;
    const earliest = known === undefined ? time : Math.min(known, time);
    // Re-set even when unchanged: a subject that keeps occurring must not age out.
    this.store.set('since', id, { time: earliest });
    return earliest;
  }

  /** The earliest time recorded for `subject` by `earliest`, without recording anything. */
  earliestOf(kind: string, subject: string): number | undefined {
    return this.store.get('since', `${kind}:${subject}`)?.time;
  }

  /** The values appended for `subject`, oldest first ([] when none). */
  series(kind: string, subject: string): readonly number[] {
    return this.store.get('series', `${kind}:${subject}`)?.values ?? [];
  }

  /** Appends a value to `subject`'s series, keeping the last `keep`. */
  appendToSeries(kind: string, subject: string, value: number, keep: number): void {
    const values = [...this.series(kind, subject), value].slice(-keep);
    this.store.set('series', `${kind}:${subject}`, { values });
  }

  /** Avro (state-snapshot.avsc) of every live entry with its expiry, least recently used first. */
  snapshot(): Buffer {
    return encodeSnapshot(this.store.live());
  }

  /**
   * Rebuilds a cache from `snapshot()`s (several: the union, as a child shard takes over from both parents of a
   * merge; a fact both hold keeps the later one); entries expired by `options.now()` are dropped.
   */
  static restore(snapshots: Buffer | readonly Buffer[], options: StateOptions): StateCache {
    const cache = new StateCache(options);
    const now = options.now();
    for (const snapshot of Buffer.isBuffer(snapshots) ? [snapshots] : snapshots) {
      for (const entry of decodeSnapshot(snapshot)) {
        if (entry.expiresAt > now) cache.store.set(entry.kind, entry.id, entry.fact, entry.expiresAt);
      }
    }
    return cache;
  }
}

function instanceIds(event: SecurityEvent): Set<string> {
  const ids = new Set<string>();
  for (const resource of event.resources) {
    if (resource.type === 'AWS::EC2::Instance') ids.add(arnName(resource.id));
  }
  const request = field(event.raw, 'requestParameters');
  for (const item of items(field(request, 'instancesSet'))) {
    const id = text(field(item, 'instanceId'));
    if (id !== null) ids.add(id);
  }
  for (const resource of items(field(request, 'resourcesSet'))) {
    const id = text(field(resource, 'resourceId'));
    if (id?.startsWith('i-')) ids.add(id);
  }
  if (event.flow?.instanceId) ids.add(event.flow.instanceId);
  if (event.guardduty?.resourceType === 'Instance' && event.guardduty.resourceId)
    ids.add(event.guardduty.resourceId);
  return ids;
}

import type { AccessKeyFact, InstanceFact, RoleFact, SecurityGroupFact } from './facts.js';

/** A role plus which of its inline policies are admin, so deleting one can recompute `admin`. */
export interface StoredRole {
  fact: RoleFact;
  adminInline: string[];
}

export interface StoredInstanceProfile {
  name: string;
  arn: string | null;
  account: string | null;
  /** Role names. */
  roles: string[];
}

/** Values seen for one (kind, subject), least recently seen first. */
export interface SeenValues {
  values: string[];
}

/** The earliest event time a fact was observed at (epoch ms): a minimum, so arrival order does not change it. */
export interface EarliestTime {
  time: number;
}

/** Recent numeric values of one subject (hourly totals for a baseline), oldest first. */
export interface ValueSeries {
  values: number[];
}

/** Entry kinds by the prefix of their cache key (`instance:i-0abc`, `seen:ip:arn:...`). */
export interface StoredFacts {
  instance: InstanceFact;
  sg: SecurityGroupFact;
  role: StoredRole;
  profile: StoredInstanceProfile;
  key: AccessKeyFact;
  seen: SeenValues;
  since: EarliestTime;
  series: ValueSeries;
}

export type FactKind = keyof StoredFacts;
export type StoredFact = StoredFacts[FactKind];
export const FACT_KINDS: readonly FactKind[] = [
  'instance',
  'sg',
  'role',
  'profile',
  'key',
  'seen',
  'since',
  'series',
];

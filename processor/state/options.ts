export interface StateOptions {
  maxEntries: number;
  /** Bound on the estimated bytes of all entries (see entry-size.ts). */
  maxBytes: number;
  /** Entries not updated for this long (event time) are forgotten. */
  ttlMs: number;
  /** Event time now, e.g. `() => clock.latest`; never the wall clock. */
  now: () => number;
}

/** 100k entries, 64 MiB, 30 days. */
export const DEFAULT_STATE_OPTIONS = {
  maxEntries: 100_000,
  maxBytes: 67_108_864,
  ttlMs: 2_592_000_000,
} as const;

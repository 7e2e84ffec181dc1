import { readFileSync } from 'node:fs';
import avro from 'avsc';
import type { LiveEntry } from './fact-store.js';
import { FACT_KINDS, type FactKind, type StoredFacts } from './stored-facts.js';

/** state-snapshot.avsc: one record per entry with one non-null field per kind, so facts stay typed in Avro. */
type SnapshotEntry = { id: string; expiresAt: number } & { [K in FactKind]: StoredFacts[K] | null };

const snapshotType = avro.Type.forSchema(
  JSON.parse(readFileSync(new URL('./state-snapshot.avsc', import.meta.url), 'utf8')) as avro.Schema,
);

/**
 * Encodes live entries (in the order given) as a StateSnapshot.
 *
 *   const buffer = encodeSnapshot(store.live());
 *   for (const entry of decodeSnapshot(buffer)) store.set(entry.kind, entry.id, entry.fact, entry.expiresAt);
 */
export function encodeSnapshot(entries: Iterable<LiveEntry>): Buffer {
  const records: SnapshotEntry[] = [];
  for (const { kind, id, fact, expiresAt } of entries) {
    records.push({
      id,
      expiresAt,
      instance: null,
      sg: null,
      role: null,
      profile: null,
      key: null,
      seen: null,
      since: null,
      series: null,
      [kind]: fact,
    });
  }
  return snapshotType.toBuffer({ entries: records });
}

/** Decodes a StateSnapshot; throws on a buffer that is not one. */
export function decodeSnapshot(buffer: Buffer): LiveEntry[] {
  // structuredClone turns avsc's generated record classes into plain objects, equal to freshly learned facts.
  const { entries } = structuredClone(snapshotType.fromBuffer(buffer)) as { entries: SnapshotEntry[] };
  const live: LiveEntry[] = [];
  for (const entry of entries) {
    const kind = FACT_KINDS.find((candidate) => entry[candidate] !== null);
    const fact = kind === undefined ? null : entry[kind];
    if (kind !== undefined && fact !== null)
      live.push({ kind, id: entry.id, fact, expiresAt: entry.expiresAt });
  }
  return live;
}

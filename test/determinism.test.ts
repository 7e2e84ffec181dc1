import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../processor/cli/config.js';
import type { SecurityEvent } from '../schemas/types.js';
import { eventsByFile, finalFindings, runCatalog } from './run-catalog.js';

/** Deterministic PRNG (mulberry32) so the shuffle is the same on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Shuffles events within consecutive runs spanning less than half the lateness: no event then arrives
 * more than the lateness behind the newest event before it, so none is late.
 */
function shuffleWithinLateness(
  events: readonly SecurityEvent[],
  latenessMs: number,
  next: () => number,
): SecurityEvent[] {
  const sorted = [...events].sort((a, b) => a.time - b.time);
  const out: SecurityEvent[] = [];
  let chunk: SecurityEvent[] = [];
  const flush = () => {
    for (let i = chunk.length - 1; i > 0; i -= 1) {
      const j = Math.floor(next() * (i + 1));
      [chunk[i], chunk[j]] = [chunk[j] as SecurityEvent, chunk[i] as SecurityEvent];
    }
    out.push(...chunk);
    chunk = [];
  };
  for (const event of sorted) {
    if (chunk.length > 0 && event.time - (chunk[0] as SecurityEvent).time >= latenessMs / 2) flush();
    chunk.push(event);
  }
  flush();
  return out;
}

describe('replay determinism', () => {
  it('gives identical findings, ids included, for ordered and shuffled-within-lateness samples', async () => {
    const ordered = new Map(
      [...(await eventsByFile(['samples']))].map(([file, events]) => [
        file,
        [...events].sort((a, b) => a.time - b.time),
      ]),
    );
    const expected = finalFindings(runCatalog(ordered));
    expect(new Set(expected.map((f) => f.detection)).size).toBeGreaterThanOrEqual(15);
    for (const seed of [1, 2, 3]) {
      const next = random(seed);
      const shuffled = new Map(
        [...ordered].map(([file, events]) => [
          file,
          shuffleWithinLateness(events, DEFAULT_CONFIG.latenessMs, next),
        ]),
      );
      expect([...shuffled.values()].flat()).not.toEqual([...ordered.values()].flat());
      expect(finalFindings(runCatalog(shuffled))).toEqual(expected);
    }
  });
});

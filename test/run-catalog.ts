import { DEFAULT_CONFIG } from '../processor/cli/config.js';
import { enabledDetections } from '../processor/cli/detections.js';
import { decodeFile } from '../processor/decode/index.js';
import { Pipeline } from '../processor/pipeline/pipeline.js';
import { listInputFiles } from '../processor/pipeline/replay.js';
import { WatermarkClock } from '../processor/pipeline/watermarks.js';
import { StateCache } from '../processor/state/index.js';
import type { Finding, SecurityEvent } from '../schemas/types.js';

/** Decoded events of each file under the given paths, by file, in file order. */
export async function eventsByFile(paths: readonly string[]): Promise<Map<string, SecurityEvent[]>> {
  const byFile = new Map<string, SecurityEvent[]>();
  for (const file of await listInputFiles(paths)) {
    const events: SecurityEvent[] = [];
    for await (const batch of decodeFile(file)) events.push(...batch.events);
    byFile.set(file, events);
  }
  return byFile;
}

/**
 * Runs the whole catalog (default config) over inputs pushed one after another, like `replay` does,
 * and returns every finding in emission order.
 */
export function runCatalog(inputs: ReadonlyMap<string, readonly SecurityEvent[]>): Finding[] {
  const { detections, params } = enabledDetections(DEFAULT_CONFIG);
  const clock = new WatermarkClock(DEFAULT_CONFIG.latenessMs);
  const state = new StateCache({ ...DEFAULT_CONFIG.state, now: () => clock.latest });
  const findings: Finding[] = [];
  const pipeline = new Pipeline({ detections, params, clock, state, onFinding: (f) => findings.push(f) });
  for (const [input, events] of inputs) {
    pipeline.open(input);
    for (const event of events) pipeline.push(input, event);
    pipeline.close(input);
  }
  pipeline.finish();
  return findings;
}

/** The last version of each finding id (dedup roll-ups replace the first emission), sorted by id. */
export function finalFindings(findings: readonly Finding[]): Finding[] {
  const byId = new Map<string, Finding>();
  for (const finding of findings) byId.set(finding.id, finding);
  return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
}

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Detection } from '../../detections/api.js';
import { correlationCatalog } from '../../detections/catalog/correlations/index.js';
import { defaultIpDatabaseFiles, openIpDatabase } from '../../detections/catalog/correlations/ip-database.js';
import { decodeRecord } from '../../processor/decode/index.js';
import { Pipeline } from '../../processor/pipeline/pipeline.js';
import { WatermarkClock } from '../../processor/pipeline/watermarks.js';
import { DEFAULT_STATE_OPTIONS, StateCache } from '../../processor/state/index.js';
import { correlationScenario, SCENARIO_THREATS } from './scenario.js';

/**
 * State held per key by each correlation, each in its own process: `stories` of its own attacks (one key each)
 * are pushed while the watermark never moves (lateness of ten years), so every window, sequence step and
 * first-seen candidate stays open. The heap grown (after full GCs; records encoded up front outside the heap;
 * code warmed up on a few stories first) divided by the stories is what one key costs at most, state cache
 * included (its entries: first-seen times and baselines, and the access keys it learns from every call).
 *
 *   node --expose-gc --import tsx bench/correlations/state-per-key.ts [stories=1000]
 */
const stories = Number(process.argv[2] ?? 1000);
const only = process.argv[3];
const TEN_YEARS = 10 * 365 * 86_400_000;

if (only === undefined) {
  console.log(
    `${stories} stories (keys) per correlation, nothing released (watermark held back), node ${process.version}`,
  );
  console.log(
    '| correlation | events per key | heap per key (KiB) | state cache entries per key | state cache bytes per key | findings at the end |',
  );
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const { detection } of correlationCatalog) {
    const row = execFileSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), String(stories), detection.id],
      { encoding: 'utf8' },
    );
    process.stdout.write(row);
  }
} else {
  const detection = correlationCatalog.find((entry) => entry.detection.id === only)?.detection;
  if (!detection) throw new Error(`no correlation ${only}`);
  // Loaded once per process and shared: not state of any key.
  openIpDatabase(defaultIpDatabaseFiles());
  measure(detection, 20);
  const row = measure(detection, stories);
  console.log(
    `| ${detection.id} | ${(row.events / stories).toFixed(1)} | ${(row.held / stories / 1024).toFixed(1)} | ${(row.entries / stories).toFixed(2)} | ${Math.round(row.bytes / stories)} | ${row.findings} |`,
  );
}

function measure(detection: Detection, count: number) {
  const inputs = correlationScenario({
    start: Date.UTC(2026, 10, 24),
    stories: count,
    spacingMs: 60_000,
    background: 0,
    only: [detection.id],
  }).map((item) => Buffer.from(item.source === 'flowlog' ? item.record : JSON.stringify(item.record)));
  gc();
  const before = process.memoryUsage().heapUsed;
  const clock = new WatermarkClock(TEN_YEARS);
  const state = new StateCache({ ...DEFAULT_STATE_OPTIONS, now: () => clock.latest });
  let findings = 0;
  const pipeline = new Pipeline({
    detections: [detection],
    clock,
    state,
    params: { 'flowlog-threat-list-traffic': { cidrs: SCENARIO_THREATS } },
    onFinding: () => {
      findings += 1;
    },
  });
  pipeline.open('bench');
  let events = 0;
  inputs.forEach((input, index) => {
    for (const event of decodeRecord(input, { input: 'bench', offset: String(index) }).events) {
      pipeline.push('bench', event);
      events += 1;
    }
  });
  gc();
  const held = process.memoryUsage().heapUsed - before;
  const entries = state.size;
  const bytes = state.calculatedBytes;
  pipeline.close('bench');
  pipeline.finish();
  // The inputs stay referenced until here, so the collection above does not count their release.
  return { events, held, entries, bytes, findings, inputs: inputs.length };
}

/** Full collections until the heap stops shrinking, so what is measured is what is still referenced. */
function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run with node --expose-gc');
  let previous = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 10; round += 1) {
    collect();
    const used = process.memoryUsage().heapUsed;
    if (used >= previous - 64 * 1024) return;
    previous = used;
  }
}

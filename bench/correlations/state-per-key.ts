import { correlationCatalog } from '../../detections/catalog/correlations/index.js';
import { decodeJson, decodeRecord } from '../../processor/decode/index.js';
import { Pipeline } from '../../processor/pipeline/pipeline.js';
import { WatermarkClock } from '../../processor/pipeline/watermarks.js';
import { DEFAULT_STATE_OPTIONS, StateCache } from '../../processor/state/index.js';
import { correlationScenario, SCENARIO_THREATS } from './scenario.js';

/**
 * State held per key by each correlation: `stories` of its own attacks (one key each) are pushed while the
 * watermark never moves (lateness of ten years), so every window, sequence step and first-seen candidate stays
 * open; the heap grown (after GC, events decoded one by one and not kept elsewhere) divided by the stories is
 * what one key costs at most, plus its entries in the state cache (first-seen times, baselines).
 *
 *   node --expose-gc --import tsx bench/correlations/state-per-key.ts [stories=2000]
 */
const stories = Number(process.argv[2] ?? 2000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const TEN_YEARS = 10 * 365 * 86_400_000;

console.log(
  `${stories} stories (keys) per correlation, nothing released (watermark held back), node ${process.version}`,
);
console.log(
  '| correlation | events per key | heap per key (KiB) | state cache entries per key | state cache bytes per key | findings at the end |',
);
console.log('|---|---:|---:|---:|---:|---:|');
for (const { detection } of correlationCatalog) {
  const records = correlationScenario({
    start: Date.UTC(2026, 10, 24),
    stories,
    spacingMs: 60_000,
    background: 0,
    only: [detection.id],
  });
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
  records.forEach((item, index) => {
    const origin = { input: 'bench', offset: String(index) };
    const decoded =
      item.source === 'flowlog'
        ? decodeRecord(Buffer.from(item.record), origin)
        : decodeJson(item.record, origin);
    for (const event of decoded.events) {
      pipeline.push('bench', event);
      events += 1;
    }
  });
  records.length = 0;
  gc();
  const held = process.memoryUsage().heapUsed - before;
  const entries = state.size;
  const bytes = state.calculatedBytes;
  pipeline.close('bench');
  pipeline.finish();
  console.log(
    `| ${detection.id} | ${(events / stories).toFixed(1)} | ${(held / stories / 1024).toFixed(1)} | ${(entries / stories).toFixed(2)} | ${Math.round(bytes / stories)} | ${findings} |`,
  );
}

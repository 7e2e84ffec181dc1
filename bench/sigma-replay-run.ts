import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Detection } from '../detections/api.js';
import { loadSigmaRules } from '../detections/sigma/index.js';
import { DEFAULT_CONFIG } from '../processor/cli/config.js';
import { enabledDetections } from '../processor/cli/detections.js';
import { replayFiles } from '../processor/pipeline/replay.js';
import { JsonlFile } from '../processor/sinks/jsonl-file.js';
import type { Finding } from '../schemas/types.js';

/**
 * One measured replay with or without the Sigma rules, in its own process (so max RSS is its own):
 *   node dist/bench/sigma-replay-run.js <mode> <file.jsonl.gz> <sigma rules dir>
 * Modes: `catalog`, `catalog+sigma`; `narrow` (the catalog minus its two every-action detections) and
 * `narrow+sigma`; `narrow+sigma-routed` (only the Sigma rules whose routes name actions).
 * Prints one JSON line: { mode, seconds, cpuSeconds, maxRssMiB, records, skipped, findings, sigmaFindings, detections }.
 */
export const SIGMA_REPLAY_MODES = [
  'catalog',
  'catalog+sigma',
  'narrow',
  'narrow+sigma',
  'narrow+sigma-routed',
] as const;
type Mode = (typeof SIGMA_REPLAY_MODES)[number];

const everyAction = (detection: Detection) =>
  detection.routes.some((route) => route.source === 'cloudtrail' && route.actions === '*');

function detectionsFor(mode: Mode, rules: string): Detection[] {
  const catalog = enabledDetections(DEFAULT_CONFIG).detections;
  const base = mode.startsWith('narrow') ? catalog.filter((d) => !everyAction(d)) : catalog;
  if (!mode.includes('sigma')) return base;
  const { detections, reports } = loadSigmaRules([rules]);
  const failed = reports.filter((report) => report.error);
  if (failed.length > 0) throw new Error(`${failed.length} Sigma rule(s) did not load`);
  return [...base, ...(mode.endsWith('routed') ? detections.filter((d) => !everyAction(d)) : detections)];
}

const [mode, file, rules] = process.argv.slice(2) as [
  Mode | undefined,
  string | undefined,
  string | undefined,
];
if (!mode || !file || !rules || !SIGMA_REPLAY_MODES.includes(mode)) {
  process.stderr.write(
    `usage: sigma-replay-run <${SIGMA_REPLAY_MODES.join('|')}> <file> <sigma rules dir>\n`,
  );
  process.exit(2);
}
const started = process.hrtime.bigint();
const detections = detectionsFor(mode, rules);
const out = new JsonlFile<Finding>(join(tmpdir(), `shardwatch-sigma-bench-${process.pid}.jsonl`));
const summary = await replayFiles([file], {
  detections,
  latenessMs: DEFAULT_CONFIG.latenessMs,
  state: DEFAULT_CONFIG.state,
  onFinding: (finding) => out.write(finding),
  onDeadLetter: () => {},
  onProgress: () => out.drained(),
});
await out.close();
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const cpu = process.cpuUsage();
const events = Object.values(summary.counters.eventsBySource).reduce((a, b) => a + b, 0);
const deadLetters = [...summary.deadLettersByReason.values()].reduce((a, b) => a + b, 0);
const sigmaFindings = [...summary.counters.findingsByDetection]
  .filter(([id]) => id.startsWith('sigma-'))
  .reduce((total, [, count]) => total + count, 0);
process.stdout.write(
  `${JSON.stringify({
    mode,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    records: events + deadLetters + summary.skipped + summary.ignored,
    skipped: summary.skipped,
    findings: out.written,
    sigmaFindings,
    detections: detections.length,
  })}\n`,
);

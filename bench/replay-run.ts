import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { DEFAULT_CONFIG } from '../processor/cli/config.js';
import { enabledDetections } from '../processor/cli/detections.js';
import { decodeFile } from '../processor/decode/index.js';
import { replayFiles } from '../processor/pipeline/replay.js';
import { JsonlFile } from '../processor/sinks/jsonl-file.js';
import type { Finding } from '../schemas/types.js';
import { REPLAY_MODES, type ReplayMode } from './replay-modes.js';

/**
 * One measured run in its own process (so max RSS is this run's):
 *   node dist/bench/replay-run.js <mode> <file.jsonl.gz>   (modes: bench/replay-modes.ts)
 * Prints one JSON line: { mode, seconds, maxRssMiB, records, findings, stateEntries, stateMiB }.
 */

async function baseline(file: string): Promise<number> {
  let records = 0;
  const lines = createInterface({
    input: createReadStream(file).pipe(createGunzip()),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  for await (const line of lines) {
    if (line.length === 0) continue;
    JSON.parse(line);
    records += 1;
  }
  return records;
}

async function decodeOnly(file: string): Promise<number> {
  let records = 0;
  for await (const batch of decodeFile(file)) records += batch.events.length + batch.deadLetters.length;
  return records;
}

interface ReplayRun {
  records: number;
  findings: number;
  stateEntries: number;
  stateMiB: number;
}

/**
 * `narrow` leaves out the detections that route every CloudTrail action (root usage, instance
 * credential use), to show what the prefilter saves when routes are selective.
 */
async function replay(file: string, prefilter: boolean, narrow: boolean): Promise<ReplayRun> {
  const enabled = enabledDetections(DEFAULT_CONFIG);
  const { params } = enabled;
  const detections = narrow
    ? enabled.detections.filter((d) => !d.routes.some((r) => r.source === 'cloudtrail' && r.actions === '*'))
    : enabled.detections;
  const out = new JsonlFile<Finding>(join(tmpdir(), `shardwatch-bench-${process.pid}.jsonl`));
  const summary = await replayFiles([file], {
    detections,
    params,
    prefilter,
    latenessMs: DEFAULT_CONFIG.latenessMs,
    state: DEFAULT_CONFIG.state,
    onFinding: (finding) => out.write(finding),
    onDeadLetter: () => {},
    onProgress: () => out.drained(),
  });
  await out.close();
  const events = Object.values(summary.counters.eventsBySource).reduce((a, b) => a + b, 0);
  const deadLetters = [...summary.deadLettersByReason.values()].reduce((a, b) => a + b, 0);
  return {
    records: events + deadLetters + summary.skipped + summary.ignored,
    findings: out.written,
    stateEntries: summary.state.entries,
    stateMiB: summary.state.bytes / 1_048_576,
  };
}

const [mode, file] = process.argv.slice(2) as [ReplayMode | undefined, string | undefined];
if (!mode || !file || !REPLAY_MODES.includes(mode)) {
  process.stderr.write(`usage: replay-run <${REPLAY_MODES.join('|')}> <file>\n`);
  process.exit(2);
}
const started = process.hrtime.bigint();
const run: ReplayRun =
  mode === 'baseline'
    ? { records: await baseline(file), findings: 0, stateEntries: 0, stateMiB: 0 }
    : mode === 'decode'
      ? { records: await decodeOnly(file), findings: 0, stateEntries: 0, stateMiB: 0 }
      : await replay(file, !mode.endsWith('no-prefilter'), mode.startsWith('replay-narrow'));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const maxRssMiB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ mode, seconds, maxRssMiB, ...run })}\n`);

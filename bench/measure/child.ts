import { DEFAULT_CONFIG } from '../../processor/cli/config.js';
import { enabledDetections } from '../../processor/cli/detections.js';
import { listInputFiles, replayFiles } from '../../processor/pipeline/replay.js';
import type { Finding } from '../../schemas/types.js';
import { readLabels, scoreFindings } from '../ground-truth.js';
import { corpusGlobs, PEER_DETECTIONS, type PeerDetection, runDuckDb } from '../peers/duckdb.js';
import { parseCeiling, sourceOf } from './ceiling.js';
import type { FileSet, Task, TaskResult } from './task.js';

/**
 * Child process of a measurement (see measure.ts): runs the task given as JSON in argv[2] and prints its
 * result as one JSON line.
 *
 *   node dist/bench/measure/child.js '{"kind":"ceiling","files":["big/cloudtrail.jsonl.gz"]}'
 */
const task = JSON.parse(process.argv[2] ?? '{}') as Task;
const cpuAtStart = process.cpuUsage();
const started = performance.now();
const result = await run(task);
process.stdout.write(`${JSON.stringify(result)}\n`);

async function run(task: Task): Promise<TaskResult> {
  if (task.kind === 'ceiling') {
    const records = await parseCeiling(await filesOf(task));
    return { ...timing(), records };
  }
  if (task.kind === 'duckdb') {
    const answers = await runDuckDb(corpusGlobs(task.corpus, task.variant));
    return { ...timing(), records: { cloudtrail: 0, flowlog: 0, guardduty: 0 }, answers };
  }
  const { detections, params } = enabledDetections(DEFAULT_CONFIG);
  const findings: Finding[] = [];
  const summary = await replayFiles(await filesOf(task), {
    detections,
    params,
    prefilter: task.prefilter,
    decodeThreads: task.decodeThreads,
    latenessMs: DEFAULT_CONFIG.latenessMs,
    state: DEFAULT_CONFIG.state,
    onFinding: (finding) => findings.push(finding),
    onDeadLetter: () => {},
  });
  const measured = timing();
  const distinct = [...new Map(findings.map((finding) => [finding.id, finding])).values()];
  const result: TaskResult = {
    ...measured,
    records: { ...summary.counters.eventsBySource },
    skipped: summary.skipped,
    late: summary.counters.late,
    findings: distinct.length,
    peerKeys: peerKeys(distinct),
  };
  if (task.labels) result.score = scoreFindings(findings, readLabels(task.labels));
  return result;
}

async function filesOf(set: FileSet): Promise<string[]> {
  const files = await listInputFiles(set.dirs);
  return set.source === undefined ? files : files.filter((file) => sourceOf(file) === set.source);
}

function timing(): { seconds: number; cpuSeconds: number } {
  const cpu = process.cpuUsage(cpuAtStart);
  return { seconds: (performance.now() - started) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

/** The keys DuckDB's queries answer with, from shardwatch's findings of the same detections. */
function peerKeys(findings: readonly Finding[]): Record<PeerDetection, string[]> {
  const keys = Object.fromEntries(PEER_DETECTIONS.map((detection) => [detection, [] as string[]])) as Record<
    PeerDetection,
    string[]
  >;
  for (const finding of findings) {
    const detection = finding.detection as PeerDetection;
    if (!(detection in keys)) continue;
    const key =
      detection === 'ec2-large-instance-burst'
        ? `${finding.dedupKey}@${finding.window?.start}`
        : finding.dedupKey;
    keys[detection].push(key);
  }
  for (const list of Object.values(keys)) list.sort();
  return keys;
}

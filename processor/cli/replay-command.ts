import { basename, dirname, join } from 'node:path';
import type { Finding } from '../../schemas/types.js';
import type { DeadLetter } from '../decode/index.js';
import { listInputFiles, type ReplaySummary, replayFiles } from '../pipeline/replay.js';
import { DeadLetterFile } from '../sinks/dead-letter-file.js';
import { Delivery, type SinkMetrics } from '../sinks/delivery.js';
import { SinkSetupError, sinksFromConfig } from '../sinks/from-config.js';
import { JsonlFile } from '../sinks/jsonl-file.js';
import { JsonlSink } from '../sinks/jsonl-sink.js';
import type { FindingSink } from '../sinks/sink.js';
import { ConfigError, loadConfig } from './config.js';
import { enabledDetections } from './detections.js';
import { ReplayProgress } from './progress.js';

export interface ReplayCommandOptions {
  out?: string;
  deadLetters?: string;
  config?: string;
  quiet?: boolean;
  /** Sigma rule files or directories run beside the catalog (and the config's `sigma.rules`). */
  sigma?: string[];
  /** Decode threads (`--threads`); default: replayFiles decides by the input's size. */
  threads?: string;
}

/**
 * `shardwatch replay`: returns the exit code. Findings go through Delivery to the JSONL output (or
 * stdout) and to every sink the config enables; findings a sink rejects for good go to a dead-letter file.
 */
export async function replayCommand(paths: string[], options: ReplayCommandOptions): Promise<number> {
  let config: ReturnType<typeof loadConfig>;
  let files: string[];
  let sinks: FindingSink[];
  let enabled: ReturnType<typeof enabledDetections>;
  const decodeThreads = options.threads === undefined ? undefined : Number(options.threads);
  if (
    decodeThreads !== undefined &&
    (!Number.isInteger(decodeThreads) || decodeThreads < 0 || decodeThreads > 64)
  ) {
    process.stderr.write(`shardwatch: --threads must be an integer from 0 to 64, got ${options.threads}\n`);
    return 2;
  }
  try {
    config = loadConfig(options.config);
    enabled = enabledDetections(config, options.sigma);
    files = await listInputFiles(paths);
    sinks = sinksFromConfig(config.sinks, process.env);
  } catch (error) {
    return reportStartupError(error);
  }
  const deadLetterPath = options.deadLetters ?? (options.out ? deadLettersBeside(options.out) : undefined);
  const deadLetterFile = deadLetterPath ? new JsonlFile<DeadLetter>(deadLetterPath) : undefined;
  const rejectedPath =
    config.sinks.deadLetters ??
    (options.out ? besideOutput(options.out, 'rejected') : 'out/rejected-findings.jsonl');
  const delivery = new Delivery({
    sinks: [new JsonlSink(options.out ? { path: options.out } : { stream: process.stdout }), ...sinks],
    deadLetters: new DeadLetterFile(rejectedPath),
  });
  const progress = new ReplayProgress(files.length, !options.quiet && process.stderr.isTTY === true);
  const { detections, params } = enabled;
  let summary: ReplaySummary;
  try {
    summary = await replayFiles(files, {
      detections,
      params,
      latenessMs: config.latenessMs,
      state: config.state,
      allowRules: config.allowList,
      flowFormat: config.flowFormat,
      ...(decodeThreads === undefined ? {} : { decodeThreads }),
      onFinding: (finding) => {
        delivery.submit(finding, () => {});
        if (options.out && !options.quiet) progress.line(describeFinding(finding));
      },
      onDeadLetter: (deadLetter) => deadLetterFile?.write(deadLetter),
      onProgress: async ({ filesDone, events, file }) => {
        progress.update(filesDone, events, basename(file));
        await delivery.ready();
        await deadLetterFile?.drained();
      },
    });
    await delivery.close();
    progress.stop();
    await deadLetterFile?.close();
  } catch (error) {
    progress.stop();
    return reportStartupError(error);
  }
  process.stderr.write(formatSummary(summary, options.out, deadLetterPath));
  process.stderr.write(formatSinks(delivery.metrics(), rejectedPath));
  return 0;
}

function deadLettersBeside(out: string): string {
  return besideOutput(out, 'dead-letters');
}

/** `out/findings.jsonl` → `out/findings.<kind>.jsonl` */
function besideOutput(out: string, kind: string): string {
  return join(dirname(out), `${basename(out).replace(/\.jsonl?$/i, '')}.${kind}.jsonl`);
}

function formatSinks(metrics: Record<string, SinkMetrics>, rejectedPath: string): string {
  const lines = Object.entries(metrics).map(
    ([name, m]) =>
      `  ${name.padEnd(11)} written ${m.written}, rejected ${m.rejected}, retried ${m.retried}, ${m.batches} batch(es) of ${m.meanBatchSize.toFixed(1)} on average, ${m.healthy ? 'healthy' : 'UNHEALTHY'}`,
  );
  const rejected = Object.values(metrics).reduce((total, m) => total + m.rejected, 0);
  if (rejected > 0) lines.push(`  rejected findings → ${rejectedPath}`);
  return `sinks:\n${lines.join('\n')}\n`;
}

function describeFinding(finding: Finding): string {
  const where = [finding.account, finding.region].filter(Boolean).join('/');
  const count = finding.count > 1 ? `  (×${finding.count})` : '';
  return `${finding.tier.toUpperCase().padEnd(6)} ${finding.severity.padEnd(8)} ${finding.detection}  ${where}  ${finding.title}${count}`;
}

function formatSummary(
  summary: ReplaySummary,
  out: string | undefined,
  deadLetters: string | undefined,
): string {
  const { counters } = summary;
  const lines = [`\nreplayed ${summary.files} file(s)`];
  const events = Object.entries(counters.eventsBySource)
    .map(([source, count]) => `${source} ${count}`)
    .join(', ');
  lines.push(`events: ${events} (late ${counters.late}, routed to no detection ${counters.unrouted})`);
  lines.push(
    `records skipped unparsed (no detection wants them): ${summary.skipped}, control messages ignored: ${summary.ignored}`,
  );
  const deadLetterTotal = [...summary.deadLettersByReason.values()].reduce((a, b) => a + b, 0);
  lines.push(
    `dead letters: ${deadLetterTotal}${deadLetterTotal ? ` (${countsText(summary.deadLettersByReason)})` : ''}${deadLetters && deadLetterTotal ? ` → ${deadLetters}` : ''}`,
  );
  const findingTotal = [...counters.findingsByDetection.values()].reduce((a, b) => a + b, 0);
  lines.push(`findings: ${findingTotal}${out ? ` → ${out}` : ''}`);
  for (const [detection, count] of [...counters.findingsByDetection].sort((a, b) => b[1] - a[1])) {
    lines.push(`  ${String(count).padStart(5)}  ${detection}`);
  }
  const stateMiB = (summary.state.bytes / 1_048_576).toFixed(1);
  lines.push(`state cache: ${summary.state.entries} entries, ~${stateMiB} MiB`);
  if (counters.findingUpdates) lines.push(`finding updates (dedup roll-ups): ${counters.findingUpdates}`);
  if (counters.suppressedByDetection.size)
    lines.push(`suppressed by allow-list: ${countsText(counters.suppressedByDetection)}`);
  return `${lines.join('\n')}\n`;
}

function countsText(counts: Map<string, number>): string {
  return [...counts].map(([name, count]) => `${name} ${count}`).join(', ');
}

function reportStartupError(error: unknown): number {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`shardwatch: ${message}\n`);
  return error instanceof ConfigError || error instanceof SinkSetupError ? 2 : 1;
}

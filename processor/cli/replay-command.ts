import { basename, dirname, join } from 'node:path';
import type { Finding } from '../../schemas/types.js';
import type { DeadLetter } from '../decode/index.js';
import { listInputFiles, type ReplaySummary, replayFiles } from '../pipeline/replay.js';
import { JsonlFile } from '../sinks/jsonl-file.js';
import { ConfigError, loadConfig } from './config.js';
import { enabledDetections } from './detections.js';
import { ReplayProgress } from './progress.js';

export interface ReplayCommandOptions {
  out?: string;
  deadLetters?: string;
  config?: string;
  quiet?: boolean;
}

/** `shardwatch replay`: returns the exit code. */
export async function replayCommand(paths: string[], options: ReplayCommandOptions): Promise<number> {
  let config: ReturnType<typeof loadConfig>;
  let files: string[];
  try {
    config = loadConfig(options.config);
    files = await listInputFiles(paths);
  } catch (error) {
    return reportStartupError(error);
  }
  const findingsFile = options.out ? new JsonlFile<Finding>(options.out) : undefined;
  const deadLetterPath = options.deadLetters ?? (options.out ? deadLettersBeside(options.out) : undefined);
  const deadLetterFile = deadLetterPath ? new JsonlFile<DeadLetter>(deadLetterPath) : undefined;
  const progress = new ReplayProgress(files.length, !options.quiet && process.stderr.isTTY === true);
  const { detections, params } = enabledDetections(config);
  let summary: ReplaySummary;
  try {
    summary = await replayFiles(files, {
      detections,
      params,
      latenessMs: config.latenessMs,
      state: config.state,
      allowRules: config.allowList,
      flowFormat: config.flowFormat,
      onFinding: (finding) => {
        if (findingsFile) {
          findingsFile.write(finding);
          if (!options.quiet) progress.line(describeFinding(finding));
        } else {
          process.stdout.write(`${JSON.stringify(finding)}\n`);
        }
      },
      onDeadLetter: (deadLetter) => deadLetterFile?.write(deadLetter),
      onProgress: async ({ filesDone, events, file }) => {
        progress.update(filesDone, events, basename(file));
        await findingsFile?.drained();
        await deadLetterFile?.drained();
      },
    });
    progress.stop();
    await findingsFile?.close();
    await deadLetterFile?.close();
  } catch (error) {
    progress.stop();
    return reportStartupError(error);
  }
  process.stderr.write(formatSummary(summary, options.out, deadLetterPath));
  return 0;
}

function deadLettersBeside(out: string): string {
  return join(dirname(out), `${basename(out).replace(/\.jsonl?$/i, '')}.dead-letters.jsonl`);
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
  return error instanceof ConfigError ? 2 : 1;
}

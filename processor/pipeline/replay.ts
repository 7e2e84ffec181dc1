import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Detection, DetectionParams } from '../../detections/api.js';
import type { AllowRule } from '../../detections/operators/index.js';
import type { Finding } from '../../schemas/types.js';
import { type DeadLetter, type DecodeOptions, decodeFile } from '../decode/index.js';
import { StateCache } from '../state/index.js';
import type { PipelineCounters } from './counters.js';
import { Pipeline, type PipelineOptions } from './pipeline.js';
import { WatermarkClock } from './watermarks.js';

export interface ReplayOptions {
  detections: readonly Detection[];
  latenessMs: number;
  state: { maxEntries: number; maxBytes: number; ttlMs: number };
  params?: Readonly<Record<string, DetectionParams>>;
  allowRules?: readonly AllowRule[];
  flowFormat?: string | undefined;
  /** Skip records no detection or state wants before parsing them (default true; false only to measure it). */
  prefilter?: boolean;
  onFinding: (finding: Finding) => void;
  onDeadLetter: (deadLetter: DeadLetter) => void;
  /** Called after each decoded batch; awaited, so a slow writer slows the reader (bounded memory). */
  onProgress?: (progress: ReplayProgress) => Promise<void> | void;
}

export interface ReplayProgress {
  file: string;
  filesDone: number;
  filesTotal: number;
  events: number;
}

export interface ReplaySummary {
  files: number;
  counters: PipelineCounters;
  deadLettersByReason: Map<string, number>;
  ignored: number;
  /** Records dropped unparsed by the prefilter because nothing routes on them. */
  skipped: number;
}

/** Lists the files under the given paths (directories recursively), sorted, so a replay is repeatable. */
export async function listInputFiles(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(path);
    if (info.isDirectory()) {
      const entries = await readdir(path, { recursive: true, withFileTypes: true });
      const found = entries
        .filter((entry) => entry.isFile() && !entry.name.startsWith('.') && !/\.md$/i.test(entry.name))
        .map((entry) => join(entry.parentPath, entry.name));
      files.push(...found.sort());
    } else {
      files.push(path);
    }
  }
  return files;
}

/**
 * Replays log files through the full pipeline in the `all` role: one input per file, files in the
 * given order, every window flushed at the end. Bad records are dead-lettered, never fatal.
 */
export async function replayFiles(files: readonly string[], options: ReplayOptions): Promise<ReplaySummary> {
  const clock = new WatermarkClock(options.latenessMs);
  const state = new StateCache({ ...options.state, now: () => clock.latest });
  const pipelineOptions: PipelineOptions = {
    detections: options.detections,
    clock,
    state,
    onFinding: options.onFinding,
  };
  if (options.params) pipelineOptions.params = options.params;
  if (options.allowRules) pipelineOptions.allowRules = options.allowRules;
  const pipeline = new Pipeline(pipelineOptions);
  const deadLettersByReason = new Map<string, number>();
  let ignored = 0;
  let skipped = 0;
  let events = 0;
  const decodeOptions: DecodeOptions = {};
  if (options.flowFormat) decodeOptions.flowFormat = options.flowFormat;
  if (options.prefilter !== false) decodeOptions.wants = (source, action) => pipeline.wants(source, action);
  for (const [index, file] of files.entries()) {
    pipeline.open(file);
    for await (const batch of decodeFile(file, decodeOptions)) {
      for (const event of batch.events) pipeline.push(file, event);
      for (const deadLetter of batch.deadLetters) {
        deadLettersByReason.set(deadLetter.reason, (deadLettersByReason.get(deadLetter.reason) ?? 0) + 1);
        options.onDeadLetter(deadLetter);
      }
      ignored += batch.ignored;
      skipped += batch.skipped;
      events += batch.events.length;
      await options.onProgress?.({ file, filesDone: index, filesTotal: files.length, events });
    }
    pipeline.close(file);
  }
  pipeline.finish();
  await options.onProgress?.({ file: '', filesDone: files.length, filesTotal: files.length, events });
  return { files: files.length, counters: pipeline.counters, deadLettersByReason, ignored, skipped };
}

import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Detection, DetectionParams } from '../../detections/api.js';
import type { AllowRule } from '../../detections/operators/index.js';
import type { Finding, SecurityEvent } from '../../schemas/types.js';
import { type DeadLetter, type DecodeOptions, type DecodeResult, decodeFile } from '../decode/index.js';
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
  /**
   * Every finding, with the position of the event whose push emitted it (null for windows flushed at the
   * end of all input), so a caller can hold that position's checkpoint until the finding is acked.
   */
  onFinding: (finding: Finding, position: ReplayPosition | null) => void;
  onDeadLetter: (deadLetter: DeadLetter) => void;
  /** Called after each decoded batch; awaited, so a slow writer slows the reader (bounded memory). */
  onProgress?: (progress: ReplayProgress) => Promise<void> | void;
}

/** Where an event stands in a replay: its file and its ordinal among the file's decoded events (from 0). */
export interface ReplayPosition {
  input: string;
  event: number;
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
  /** The state cache at the end: entries and their estimated bytes (bounded by the state options). */
  state: { entries: number; bytes: number };
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

/** A file being replayed: its current batch and the position of the next event in it. */
interface FileInput {
  file: string;
  batches: AsyncIterator<DecodeResult>;
  batch: DecodeResult;
  next: number;
  /** Events of this file pushed so far. */
  pushed: number;
}

/**
 * Replays log files through the full pipeline in the `all` role, every window flushed at the end.
 * Each file is an input with its own watermark, and files are merged by event time, not read one after
 * another: a GuardDuty file and the CloudTrail files of the same hours meet in the same windows, whatever
 * their names. A file is opened once the merged stream reaches its first event time (a first pass reads
 * each file's first batch to learn it), so only files that overlap in time are open at once.
 * Bad records are dead-lettered, never fatal.
 */
export async function replayFiles(files: readonly string[], options: ReplayOptions): Promise<ReplaySummary> {
  const clock = new WatermarkClock(options.latenessMs);
  const state = new StateCache({ ...options.state, now: () => clock.latest });
  let position: ReplayPosition | null = null;
  const pipelineOptions: PipelineOptions = {
    detections: options.detections,
    clock,
    state,
    onFinding: (finding) => options.onFinding(finding, position),
  };
  if (options.params) pipelineOptions.params = options.params;
  if (options.allowRules) pipelineOptions.allowRules = options.allowRules;
  const pipeline = new Pipeline(pipelineOptions);
  const decodeOptions: DecodeOptions = {};
  if (options.flowFormat) decodeOptions.flowFormat = options.flowFormat;
  if (options.prefilter !== false) decodeOptions.wants = (source, action) => pipeline.wants(source, action);

  const summary: ReplaySummary = {
    files: files.length,
    counters: pipeline.counters,
    deadLettersByReason: new Map(),
    ignored: 0,
    skipped: 0,
    state: { entries: 0, bytes: 0 },
  };
  let events = 0;
  let filesDone = 0;
  /** Takes in a batch's dead letters and counts; false when the file is done. */
  const fetch = async (input: FileInput): Promise<boolean> => {
    const result = await input.batches.next();
    if (result.done) {
      pipeline.close(input.file);
      filesDone += 1;
      return false;
    }
    const batch = result.value;
    for (const deadLetter of batch.deadLetters) {
      summary.deadLettersByReason.set(
        deadLetter.reason,
        (summary.deadLettersByReason.get(deadLetter.reason) ?? 0) + 1,
      );
      options.onDeadLetter(deadLetter);
    }
    summary.ignored += batch.ignored;
    summary.skipped += batch.skipped;
    events += batch.events.length;
    input.batch = batch;
    input.next = 0;
    await options.onProgress?.({ file: input.file, filesDone, filesTotal: files.length, events });
    return true;
  };

  const schedule = await scheduleByFirstEvent(files, decodeOptions);
  const active: FileInput[] = [];
  let opened = 0;
  while (active.length > 0 || opened < schedule.length) {
    let current = earliest(active);
    while (opened < schedule.length) {
      const { file, firstTime } = schedule[opened] as { file: string; firstTime: number };
      if (current && firstTime > nextTime(current)) break;
      opened += 1;
      pipeline.open(file);
      const input: FileInput = {
        file,
        batches: decodeFile(file, decodeOptions),
        batch: EMPTY_BATCH,
        next: 0,
        pushed: 0,
      };
      if (await fetchNonEmpty(input, fetch)) active.push(input);
      current = earliest(active);
    }
    if (!current) continue;
    position = { input: current.file, event: current.pushed };
    pipeline.push(current.file, current.batch.events[current.next] as SecurityEvent);
    current.next += 1;
    current.pushed += 1;
    if (current.next === current.batch.events.length && !(await fetchNonEmpty(current, fetch))) {
      active.splice(active.indexOf(current), 1);
    }
  }
  position = null;
  pipeline.finish();
  await options.onProgress?.({ file: '', filesDone, filesTotal: files.length, events });
  summary.state = { entries: state.size, bytes: state.calculatedBytes };
  return summary;
}

const EMPTY_BATCH: DecodeResult = { events: [], deadLetters: [], ignored: 0, skipped: 0 };

/** Fetches batches until one has events; false when the file ended first. */
async function fetchNonEmpty(
  input: FileInput,
  fetch: (input: FileInput) => Promise<boolean>,
): Promise<boolean> {
  while (await fetch(input)) {
    if (input.batch.events.length > 0) return true;
  }
  return false;
}

function nextTime(input: FileInput): number {
  return (input.batch.events[input.next] as SecurityEvent).time;
}

/** The input whose next event is the oldest (ties: the one opened first). */
function earliest(inputs: readonly FileInput[]): FileInput | undefined {
  let best: FileInput | undefined;
  for (const input of inputs) if (!best || nextTime(input) < nextTime(best)) best = input;
  return best;
}

/** Files ordered by the time of their first event (files without events first), ties in the given order. */
async function scheduleByFirstEvent(
  files: readonly string[],
  options: DecodeOptions,
): Promise<{ file: string; firstTime: number }[]> {
  const schedule: { file: string; firstTime: number }[] = [];
  for (const file of files) {
    let firstTime = Number.NEGATIVE_INFINITY;
    for await (const batch of decodeFile(file, options)) {
      const first = batch.events[0];
      if (first) {
        firstTime = first.time;
        break;
      }
    }
    schedule.push({ file, firstTime });
  }
  return schedule.sort((a, b) => (a.firstTime === b.firstTime ? 0 : a.firstTime < b.firstTime ? -1 : 1));
}

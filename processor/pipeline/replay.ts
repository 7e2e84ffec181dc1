import { readdir, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Detection, DetectionParams } from '../../detections/api.js';
import { EventTimeQueue } from '../../detections/operators/event-time-queue.js';
import type { AllowRule } from '../../detections/operators/index.js';
import type { Finding, SecurityEvent } from '../../schemas/types.js';
import { firstRecordTime } from '../decode/file.js';
import { type DeadLetter, type DecodeOptions, type DecodeResult, decodeFile } from '../decode/index.js';
import { DecodeThreads } from '../decode/threads.js';
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
   * Threads that read, gunzip, prefilter and decode files while this thread runs the event-time pipeline;
   * 0 decodes here. Findings are the same for any count. Default: DEFAULT_DECODE_THREADS when the files hold
   * more than THREADED_BYTES, else 0 (starting threads costs more than a small input saves).
   */
  decodeThreads?: number;
  /**
   * Every finding, with the position of the event whose push emitted it (null for windows flushed at the
   * end of all input), so a caller can hold that position's checkpoint until the finding is acked.
   */
  onFinding: (finding: Finding, position: ReplayPosition | null) => void;
  onDeadLetter: (deadLetter: DeadLetter) => void;
  /** Called after each decoded batch; awaited, so a slow writer slows the reader (bounded memory). */
  onProgress?: (progress: ReplayProgress) => Promise<void> | void;
}

/**
 * Decode threads by default: one per core up to four. The pipeline thread is the busier one once most records
 * are skipped unparsed, but S3 delivers many small files, which threads read, gunzip and prefilter in parallel.
 */
export const DEFAULT_DECODE_THREADS = Math.max(1, Math.min(4, availableParallelism()));
/** Bytes of input (as stored) from which a replay decodes on threads by default. */
export const THREADED_BYTES = 8 * 1_048_576;

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

/** Where files' decoded batches come from: this thread, or decode threads. */
interface BatchSource {
  /** Each file's first record time (null: none), for the schedule. */
  firstTimes(files: readonly string[]): Promise<(number | null)[]>;
  /** Announces the files the replay will open next, in order, so they can be read ahead. */
  expect(files: readonly string[]): void;
  batches(file: string): AsyncIterator<DecodeResult>;
  close(): Promise<void>;
}

const NO_SKIPS: ArrayLike<number> = [];

/**
 * A file being replayed: its current batch and what comes next in it, an event or a skipped record (whose
 * time still moves the clock).
 */
class FileInput {
  batch: DecodeResult = EMPTY_BATCH;
  skips: ArrayLike<number> = NO_SKIPS;
  /** Next event in the batch. */
  next = 0;
  /** Next (position, time) pair in `skips`. */
  nextSkip = 0;
  /** Events of this file pushed so far. */
  pushed = 0;
  /** Time of what comes next. */
  headTime = 0;

  constructor(
    readonly file: string,
    /** Opening order: the earlier opened goes first on equal times. */
    readonly order: number,
    readonly batches: AsyncIterator<DecodeResult>,
  ) {}

  /** Whether what comes next is a skipped record. */
  get skipIsNext(): boolean {
    return this.nextSkip < this.skips.length && (this.skips[this.nextSkip] as number) <= this.next;
  }

  get exhausted(): boolean {
    return this.next === this.batch.events.length && this.nextSkip === this.skips.length;
  }

  use(batch: DecodeResult): void {
    this.batch = batch;
    this.skips = batch.skippedTimes ?? NO_SKIPS;
    this.next = 0;
    this.nextSkip = 0;
  }

  updateHead(): void {
    this.headTime = this.skipIsNext
      ? (this.skips[this.nextSkip + 1] as number)
      : (this.batch.events[this.next] as SecurityEvent).time;
  }
}

const EMPTY_BATCH: DecodeResult = { events: [], deadLetters: [], ignored: 0, skipped: 0 };

function earlier(a: FileInput, b: FileInput): number {
  return a.headTime - b.headTime || a.order - b.order;
}

/** Files read ahead of the merge by decode threads. */
const READ_AHEAD_FILES = 16;

/**
 * Replays log files through the full pipeline in the `all` role, every window flushed at the end.
 * Each file is an input with its own watermark, and files are merged by event time, not read one after
 * another: a GuardDuty file and the CloudTrail files of the same hours meet in the same windows, whatever
 * their names. A file is opened once the merged stream reaches its first record's time (a first pass reads
 * only that record of each file), so only files that overlap in time are open at once.
 * Records the prefilter skips unparsed still move their file's clock, and merge by their time like events,
 * so skipping never changes a finding. Bad records are dead-lettered, never fatal.
 */
export async function replayFiles(files: readonly string[], options: ReplayOptions): Promise<ReplaySummary> {
  const clock = new WatermarkClock(options.latenessMs);
  const state = new StateCache({ ...options.state, now: () => clock.latest });
  let current: FileInput | undefined;
  let flushing = false;
  const pipelineOptions: PipelineOptions = {
    detections: options.detections,
    clock,
    state,
    onFinding: (finding) =>
      options.onFinding(
        finding,
        flushing || !current ? null : { input: current.file, event: current.pushed },
      ),
  };
  if (options.params) pipelineOptions.params = options.params;
  if (options.allowRules) pipelineOptions.allowRules = options.allowRules;
  const pipeline = new Pipeline(pipelineOptions);
  const decodeOptions: DecodeOptions = {};
  if (options.flowFormat) decodeOptions.flowFormat = options.flowFormat;
  const threads = options.decodeThreads ?? (await defaultDecodeThreads(files));
  const source: BatchSource =
    threads > 0
      ? new DecodeThreads(threads, {
          ...decodeOptions,
          routes: options.prefilter === false ? null : pipeline.wanted.routes,
        })
      : localSource(options.prefilter === false ? decodeOptions : withFilter(decodeOptions, pipeline));

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
  /** Takes in batches until one has something to merge; false when the file is done. */
  const fetch = async (input: FileInput): Promise<boolean> => {
    for (;;) {
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
      input.use(batch);
      await options.onProgress?.({ file: input.file, filesDone, filesTotal: files.length, events });
      if (!input.exhausted) {
        input.updateHead();
        return true;
      }
    }
  };

  try {
    const schedule = await scheduleByFirstRecord(files, source);
    const waiting = new EventTimeQueue<FileInput>(earlier);
    let opened = 0;
    const open = async (): Promise<void> => {
      const file = (schedule[opened] as { file: string }).file;
      opened += 1;
      source.expect(schedule.slice(opened, opened + READ_AHEAD_FILES).map((entry) => entry.file));
      pipeline.open(file);
      const input = new FileInput(file, opened, source.batches(file));
      if (await fetch(input)) waiting.push(input);
    };
    for (;;) {
      // Open every file whose first record is due before what the open files hold next.
      while (opened < schedule.length) {
        const head = current ?? waiting.peek();
        if (head && (schedule[opened] as { firstTime: number }).firstTime > head.headTime) break;
        if (current) waiting.push(current);
        current = undefined;
        await open();
      }
      if (!current) current = waiting.pop();
      if (!current) break;
      if (current.skipIsNext) {
        clock.observe(current.file, current.skips[current.nextSkip + 1] as number);
        current.nextSkip += 2;
      } else {
        pipeline.push(current.file, current.batch.events[current.next] as SecurityEvent);
        current.next += 1;
        current.pushed += 1;
      }
      if (current.exhausted && !(await fetch(current))) {
        current = undefined;
        continue;
      }
      current.updateHead();
      const other = waiting.peek();
      if (other && earlier(other, current) < 0) {
        waiting.push(current);
        current = waiting.pop();
      }
    }
    flushing = true;
    pipeline.finish();
  } finally {
    await source.close();
  }
  await options.onProgress?.({ file: '', filesDone, filesTotal: files.length, events });
  summary.state = { entries: state.size, bytes: state.calculatedBytes };
  return summary;
}

/** DEFAULT_DECODE_THREADS for an input over THREADED_BYTES, else 0. */
async function defaultDecodeThreads(files: readonly string[]): Promise<number> {
  let bytes = 0;
  for (const file of files) {
    bytes += (await stat(file)).size;
    if (bytes > THREADED_BYTES) return DEFAULT_DECODE_THREADS;
  }
  return 0;
}

/** Decode options with the pipeline's prefilter. */
function withFilter(options: DecodeOptions, pipeline: Pipeline): DecodeOptions {
  return {
    ...options,
    wants: (source, action) => pipeline.wanted.wants(source, action),
    rawNeed: (source, action) => pipeline.wanted.rawNeed(source, action),
  };
}

/** Batches decoded on this thread. */
function localSource(options: DecodeOptions): BatchSource {
  return {
    firstTimes: async (files) => {
      const times: (number | null)[] = [];
      for (const file of files) times.push(await firstRecordTime(file, options));
      return times;
    },
    expect: () => {},
    batches: (file) => decodeFile(file, options),
    close: async () => {},
  };
}

/** Files ordered by the time of their first record (files without any first), ties in the given order. */
async function scheduleByFirstRecord(
  files: readonly string[],
  source: BatchSource,
): Promise<{ file: string; firstTime: number }[]> {
  const times = await source.firstTimes(files);
  const schedule = files.map((file, index) => ({
    file,
    firstTime: times[index] ?? Number.NEGATIVE_INFINITY,
  }));
  return schedule.sort((a, b) => (a.firstTime === b.firstTime ? 0 : a.firstTime < b.firstTime ? -1 : 1));
}

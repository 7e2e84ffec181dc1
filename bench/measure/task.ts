import type { EventSource } from '../../schemas/types.js';
import type { GroundTruthScore } from '../ground-truth.js';
import type { PeerAnswer, PeerDetection } from '../peers/duckdb.js';

/** One measurement, run in a child process of its own (so its CPU and memory are its own). */
/** The files under `dirs` (recursively), only those of `source` when given. */
export interface FileSet {
  dirs: string[];
  source?: EventSource;
}

export type Task =
  | ({ kind: 'ceiling' } & FileSet)
  | ({
      kind: 'replay';
      decodeThreads: number;
      prefilter: boolean;
      /** labels.jsonl to score the findings against. */
      labels?: string;
    } & FileSet)
  | { kind: 'duckdb'; corpus: string; variant: 's3' | 'big' };

export interface TaskResult {
  seconds: number;
  /** User + system CPU of the process, all threads. */
  cpuSeconds: number;
  records: Record<EventSource, number>;
  /** Replay: records skipped unparsed, findings (distinct ids), the ground-truth score, the keys of the peer detections. */
  skipped?: number;
  findings?: number;
  late?: number;
  score?: GroundTruthScore;
  peerKeys?: Record<PeerDetection, string[]>;
  /** DuckDB: each query's time and answer. */
  answers?: PeerAnswer[];
}

/** What the parent adds: peak RSS and RSS sampled over the run. */
export interface Measurement extends TaskResult {
  task: Task;
  peakRssMiB: number;
  /** [seconds since start, RSS MiB] every ~250 ms. */
  rss: [number, number][];
}

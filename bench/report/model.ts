import type { EventSource } from '../../schemas/types.js';
import type { CorpusManifest } from '../generate/corpus.js';
import type { Measurement } from '../measure/task.js';
import type { PeerDetection } from '../peers/duckdb.js';
import type { HotFunction } from './flamegraph.js';

/** The raw figures of one benchmark run (report.json); the Markdown and the charts are made from it. */
export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  node: string;
  cpus: number;
  /** 1-minute load average at the start and the end: the machine is shared, so it says how noisy a run was. */
  load: { start: number; end: number };
  decodeThreads: number[];
  defaultThreads: number;
  sizes: SizeReport[];
  rss?: RssReport;
  latency?: LatencyReport;
  consumer?: ConsumerRow[];
  profiles: ProfileReport[];
}

export type Variant = 's3' | 'big';

export interface SizeReport {
  events: number;
  corpus: string;
  manifest: CorpusManifest;
  variants: Partial<Record<Variant, VariantReport>>;
}

export interface VariantReport {
  /** Records in the files, by source, as the ceiling parsed them. */
  records: Record<EventSource, number>;
  ceiling: Partial<Record<EventSource | 'mix', Measurement>>;
  /** Full catalog over each source's files alone (default thread count). */
  replayBySource: Partial<Record<EventSource, Measurement>>;
  /** Full catalog over all the variant's files (the realistic mix), by decode thread count. */
  replayMix: Record<string, Measurement>;
  duckdb?: Measurement;
  agreement: Agreement[];
}

export interface Agreement {
  detection: PeerDetection;
  duckdb: string[];
  shardwatch: string[];
  onlyDuckdb: string[];
  onlyShardwatch: string[];
}

export interface RssReport {
  events: number;
  variant: Variant;
  /** The same replay with Node's default heap sizing, and with the old space capped as a 512 MB container would. */
  runs: { nodeOptions: string[]; measurement: Measurement }[];
  /** Runs that did not finish (e.g. the capped heap ran out), with why. */
  failed?: { nodeOptions: string[]; reason: string }[];
}

/** Event time → finding, in a paced live run through kinesis-local. */
export interface LatencyReport {
  seconds: number;
  /** Kinesis records put per second (background and triggers). */
  recordsPerSecond: number;
  runs: LatencyRun[];
}

export interface LatencyRun {
  /** `polling` (GetRecords, 1 s when caught up) or `fan-out` (SubscribeToShard). */
  consumer: string;
  triggers: number;
  found: number;
  /** Milliseconds from each trigger's event time to its finding at the sink, sorted. */
  latenciesMs: number[];
  /** Milliseconds from each trigger's PutRecords call to its finding, sorted. */
  putToFindingMs: number[];
  byDetection: Record<string, { triggers: number; p50: number; p99: number }>;
}

export interface ConsumerRow {
  consumer: string;
  records: number;
  wallSeconds: number;
  recordsPerSecond: number;
  cpuMicrosPerRecord: number;
  peakRssMiB: number;
}

export interface ProfileReport {
  name: string;
  /** The flame graph (SVG) and the raw .cpuprofile, relative to the report. */
  svg: string;
  cpuprofile: string;
  totalMs: number;
  areas: { area: string; ms: number; share: number }[];
  top: HotFunction[];
}

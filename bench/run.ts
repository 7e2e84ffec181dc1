import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_DECODE_THREADS, listInputFiles } from '../processor/pipeline/replay.js';
import { EVENT_SOURCES } from '../schemas/types.js';
import type { CorpusManifest } from './generate/corpus.js';
import { sourceOf } from './measure/ceiling.js';
import { measure } from './measure/measure.js';
import type { Measurement } from './measure/task.js';
import { PEER_DETECTIONS } from './peers/duckdb.js';
import { summariseProfile } from './report/flamegraph.js';
import type {
  Agreement,
  BenchReport,
  ConsumerRow,
  LatencyReport,
  ProfileReport,
  SizeReport,
  Variant,
  VariantReport,
} from './report/model.js';
import { writeReport } from './report/write.js';

/**
 * The benchmark run behind `shardwatch bench --report <dir>`: for each corpus size, the parse-everything
 * ceiling, shardwatch's replay (full catalog; by source and on the realistic mix; by decode thread count)
 * and DuckDB's queries over the same files, each in its own process; then peak RSS over the largest replay,
 * a paced live run through kinesis-local for latency, the consumer comparison, and CPU profiles. Writes
 * report.json, report.md and the charts.
 *
 *   npm run build && node dist/bench/run.js --report out/bench --sizes 10000,100000,1000000 --rss-events 10000000
 */
const { values } = parseArgs({
  options: {
    report: { type: 'string' },
    docs: { type: 'string' },
    data: { type: 'string' },
    sizes: { type: 'string' },
    threads: { type: 'string' },
    'rss-events': { type: 'string' },
    'latency-seconds': { type: 'string' },
    'consumer-records': { type: 'string' },
    variants: { type: 'string' },
  },
});
if (!values.report) {
  process.stderr.write(
    'usage: run --report <dir> [--docs docs/benchmarks.md] [--sizes 10000,100000,1000000] [--threads 0,1,2]\n' +
      '           [--rss-events 10000000] [--latency-seconds 120] [--consumer-records 20000] [--variants s3,big]\n',
  );
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const reportDir = resolve(values.report);
const dataDir = resolve(values.data ?? join(root, 'bench', 'data'));
const sizes = (values.sizes ?? '10000,100000,1000000').split(',').map(Number);
const threads = values.threads
  ? values.threads.split(',').map(Number)
  : [...new Set([0, 1, DEFAULT_DECODE_THREADS])];
const variants = (values.variants ?? 's3,big').split(',') as Variant[];
const rssEvents = Number(values['rss-events'] ?? 0);
const latencySeconds = Number(values['latency-seconds'] ?? 0);
const consumerRecords = Number(values['consumer-records'] ?? 0);
const profileDir = join(reportDir, 'profiles');
mkdirSync(profileDir, { recursive: true });

/**
 * Node's default heap sizing (the old space grows lazily, far above the live set), then the old space capped
 * as a 512 MB container should run it (NODE_OPTIONS=--max-old-space-size=384).
 */
const RSS_NODE_OPTIONS: string[][] = [[], ['--max-old-space-size=384']];
const log = (line: string) =>
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const report: BenchReport = {
  startedAt: new Date().toISOString(),
  finishedAt: '',
  node: process.version,
  cpus: availableParallelism(),
  load: { start: loadavg()[0] ?? 0, end: 0 },
  decodeThreads: threads,
  defaultThreads: DEFAULT_DECODE_THREADS,
  sizes: [],
  profiles: [],
};

for (const events of sizes) report.sizes.push(await measureSize(events));
const largest = report.sizes.at(-1);
if (largest) report.profiles.push(await profileReplay(largest));
if (rssEvents > 0) {
  const corpus = ensureCorpus(rssEvents);
  report.rss = { events: rssEvents, variant: 's3', runs: [] };
  for (const nodeOptions of RSS_NODE_OPTIONS) {
    log(
      `RSS: replay of ${rssEvents} events (s3, ${DEFAULT_DECODE_THREADS} decode thread) ${nodeOptions.join(' ')}`,
    );
    try {
      const measurement = await measure(
        {
          kind: 'replay',
          dirs: [join(corpus, 's3')],
          decodeThreads: DEFAULT_DECODE_THREADS,
          prefilter: true,
          labels: join(corpus, 'labels.jsonl'),
        },
        { nodeOptions },
      );
      report.rss.runs.push({ nodeOptions, measurement });
    } catch (error) {
      // A capped heap that runs out is a result, not a reason to lose the rest of the report.
      const reason = error instanceof Error ? error.message : String(error);
      log(`RSS run ${nodeOptions.join(' ')} failed: ${reason}`);
      report.rss.failed = [...(report.rss.failed ?? []), { nodeOptions, reason }];
    }
  }
}
if (latencySeconds > 0) report.latency = latencyRun(latencySeconds);
if (consumerRecords > 0) {
  const consumer = consumerRun(consumerRecords);
  report.consumer = consumer.rows;
  if (consumer.profile) report.profiles.push(consumer.profile);
}
report.load.end = loadavg()[0] ?? 0;
report.finishedAt = new Date().toISOString();
writeFileSync(join(reportDir, 'report.json'), `${JSON.stringify(report)}\n`);
await writeReport(report, reportDir, values.docs ? resolve(values.docs) : undefined);
log(`report written to ${reportDir}`);

/** The corpus of `events` events, generated (s3 and big) if missing. */
function ensureCorpus(events: number): string {
  const dir = join(dataDir, `corpus-${events}`);
  if (!existsSync(join(dir, 'manifest.json'))) {
    log(`generating corpus of ${events} events in ${dir}`);
    execFileSync(
      process.execPath,
      [join(here, 'generate', 'corpus-cli.js'), '--events', String(events), '--out', dir],
      {
        stdio: 'inherit',
      },
    );
  }
  return dir;
}

async function measureSize(events: number): Promise<SizeReport> {
  const corpus = ensureCorpus(events);
  const manifest = JSON.parse(readFileSync(join(corpus, 'manifest.json'), 'utf8')) as CorpusManifest;
  const size: SizeReport = { events, corpus: relative(root, corpus), manifest, variants: {} };
  for (const variant of variants) size.variants[variant] = await measureVariant(corpus, variant, events);
  return size;
}

async function measureVariant(corpus: string, variant: Variant, events: number): Promise<VariantReport> {
  const dirs = [join(corpus, variant)];
  const sources = new Set((await listInputFiles(dirs)).map(sourceOf));
  const result: VariantReport = {
    records: { cloudtrail: 0, flowlog: 0, guardduty: 0 },
    ceiling: {},
    replayBySource: {},
    replayMix: {},
    agreement: [],
  };
  for (const source of EVENT_SOURCES) {
    if (!sources.has(source)) continue;
    log(`${events} ${variant} ${source}: ceiling`);
    const ceiling = await measure({ kind: 'ceiling', dirs, source });
    result.ceiling[source] = ceiling;
    result.records[source] = ceiling.records[source];
    if (source === 'guardduty') continue;
    log(`${events} ${variant} ${source}: replay`);
    result.replayBySource[source] = await measure({
      kind: 'replay',
      dirs,
      source,
      decodeThreads: DEFAULT_DECODE_THREADS,
      prefilter: true,
    });
  }
  for (const count of threads) {
    log(`${events} ${variant} mix: replay with ${count} decode thread(s)`);
    result.replayMix[String(count)] = await measure({
      kind: 'replay',
      dirs,
      decodeThreads: count,
      prefilter: true,
      labels: join(corpus, 'labels.jsonl'),
    });
  }
  log(`${events} ${variant}: DuckDB`);
  result.duckdb = await measure({ kind: 'duckdb', corpus, variant });
  const shardwatch = (result.replayMix[String(DEFAULT_DECODE_THREADS)] ??
    Object.values(result.replayMix)[0]) as Measurement;
  result.agreement = PEER_DETECTIONS.map((detection): Agreement => {
    const duckdb = result.duckdb?.answers?.find((answer) => answer.detection === detection)?.keys ?? [];
    const ours = shardwatch.peerKeys?.[detection] ?? [];
    return {
      detection,
      duckdb,
      shardwatch: ours,
      onlyDuckdb: duckdb.filter((key) => !ours.includes(key)),
      onlyShardwatch: ours.filter((key) => !duckdb.includes(key)),
    };
  });
  return result;
}

/** A CPU profile of the mix replay on this thread (decode included), as a flame graph. */
async function profileReplay(size: SizeReport): Promise<ProfileReport> {
  const variant: Variant = variants.includes('s3') ? 's3' : 'big';
  const dirs = [join(resolve(root, size.corpus), variant)];
  const dir = join(profileDir, 'replay');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`profile: replay of ${size.events} events (${variant}) on one thread`);
  await measure({ kind: 'replay', dirs, decodeThreads: 0, prefilter: true }, { cpuProfileDir: dir });
  return profileReport(
    dir,
    `replay-${size.events}-${variant}`,
    `replay of ${size.events} events (${variant}), decode on the pipeline thread`,
  );
}

/**
 * The largest .cpuprofile in dir (the main thread's: a process run through tsx also profiles its loader
 * thread), renamed `<name>.cpuprofile`, summarised with its flame graph.
 */
function profileReport(dir: string, name: string, title: string): ProfileReport {
  const newest = readdirSync(dir)
    .filter((file) => file.endsWith('.cpuprofile') && file.startsWith('CPU'))
    .sort((a, b) => statSync(join(dir, b)).size - statSync(join(dir, a)).size)
    .at(0);
  if (!newest) throw new Error(`no CPU profile in ${dir}`);
  const cpuprofile = join(profileDir, `${name}.cpuprofile`);
  renameSync(join(dir, newest), cpuprofile);
  const summary = summariseProfile(cpuprofile, title);
  const svg = join(profileDir, `${name}.flame.svg`);
  writeFileSync(svg, summary.svg);
  return {
    name: title,
    svg: relative(reportDir, svg),
    cpuprofile: relative(reportDir, cpuprofile),
    totalMs: summary.totalMs,
    areas: summary.areas,
    top: summary.top,
  };
}

/** The paced live run (bench/latency/run.ts, from sources: it starts the emulators from test/). */
function latencyRun(seconds: number): LatencyReport {
  const out = join(reportDir, 'latency.json');
  log(`latency: paced live run through kinesis-local, ${seconds} s per consumer mode`);
  const child = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(root, 'bench', 'latency', 'run.ts'),
      '--seconds',
      String(seconds),
      '--json',
      out,
    ],
    { cwd: root, stdio: 'inherit' },
  );
  if (child.status !== 0) throw new Error(`latency run exited with ${child.status}`);
  return JSON.parse(readFileSync(out, 'utf8')) as LatencyReport;
}

/** bench/consumer/run.ts (from sources), with a CPU profile of the shardwatch Worker's drain. */
function consumerRun(records: number): { rows: ConsumerRow[]; profile?: ProfileReport } {
  const out = join(reportDir, 'consumer.json');
  const dir = join(profileDir, 'consumer');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`consumer comparison: ${records} records on kinesis-local`);
  const child = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(root, 'bench', 'consumer', 'run.ts'),
      String(records),
      '--json',
      out,
      '--profile-dir',
      dir,
    ],
    { cwd: root, stdio: 'inherit' },
  );
  if (child.status !== 0) throw new Error(`consumer run exited with ${child.status}`);
  const rows = JSON.parse(readFileSync(out, 'utf8')) as ConsumerRow[];
  const profiled = readdirSync(dir).some((file) => file.endsWith('.cpuprofile'));
  return profiled
    ? {
        rows,
        profile: profileReport(
          dir,
          `consumer-worker-${records}`,
          `shardwatch Worker draining ${records} records`,
        ),
      }
    : { rows };
}

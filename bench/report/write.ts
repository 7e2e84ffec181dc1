import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { EVENT_SOURCES, type EventSource } from '../../schemas/types.js';
import type { Measurement } from '../measure/task.js';
import { PEER_SOURCES } from '../peers/duckdb.js';
import { lineSpec, type Point, renderChart } from './charts.js';
import type { BenchReport, SizeReport, Variant, VariantReport } from './model.js';
import { percentile } from './stats.js';

/**
 * Writes report.md and its charts (SVG and PNG, with their vega-lite specs) into `dir`; with `docs`, the same
 * Markdown there too, its links made relative to it.
 *
 *   await writeReport(report, 'out/bench', 'docs/benchmarks.md');
 */
export async function writeReport(report: BenchReport, dir: string, docs?: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const charts = await renderCharts(report, dir);
  const markdown = reportMarkdown(report, (file) => file, charts);
  writeFileSync(join(dir, 'report.md'), markdown);
  if (docs) {
    mkdirSync(dirname(docs), { recursive: true });
    const prefix = relative(dirname(docs), dir);
    writeFileSync(
      docs,
      reportMarkdown(report, (file) => join(prefix, file), charts),
    );
  }
}

/** Names of the charts that have data. */
async function renderCharts(report: BenchReport, dir: string): Promise<Set<string>> {
  const drawn = new Set<string>();
  const throughput: Point[] = [];
  for (const size of report.sizes) {
    for (const [variant, result] of variantEntries(size)) {
      const total = totalRecords(result);
      const ceiling = ceilingSeconds(result);
      if (ceiling > 0)
        throughput.push({ series: `${variant} · parse ceiling`, x: size.events, y: total / ceiling });
      for (const [threads, run] of Object.entries(result.replayMix)) {
        throughput.push({
          series: `${variant} · shardwatch, ${threads} decode thread(s)`,
          x: size.events,
          y: total / run.seconds,
        });
      }
    }
  }
  if (throughput.length > 0) {
    await renderChart(
      lineSpec({
        name: 'throughput',
        title: 'Replay of the realistic mix: records/s by corpus size',
        x: { title: 'events in the corpus', log: true },
        y: { title: 'records per second', log: true },
        points: throughput,
        marks: true,
      }),
      dir,
      'throughput',
    );
    drawn.add('throughput');
  }
  const rss: Point[] = [];
  for (const run of report.rss?.runs ?? []) {
    const series = `replay of ${report.rss?.events} events${run.nodeOptions.length > 0 ? `, ${run.nodeOptions.join(' ')}` : ''}`;
    for (const [t, mib] of run.measurement.rss) rss.push({ series, x: t, y: mib });
  }
  const largest = report.sizes.at(-1);
  if (largest) {
    for (const [variant, result] of variantEntries(largest)) {
      const run = result.replayMix[String(report.defaultThreads)];
      if (run)
        for (const [t, mib] of run.rss)
          rss.push({ series: `replay of ${largest.events} events (${variant})`, x: t, y: mib });
    }
  }
  if (rss.length > 0) {
    await renderChart(
      lineSpec({
        name: 'rss',
        title: 'Resident memory during replay',
        x: { title: 'seconds' },
        y: { title: 'RSS (MiB)' },
        points: rss,
      }),
      dir,
      'rss',
    );
    drawn.add('rss');
  }
  if (report.latency) {
    const cdf: Point[] = [];
    for (const run of report.latency.runs) {
      run.latenciesMs.forEach((ms, index) => {
        cdf.push({ series: run.consumer, x: ms, y: (index + 1) / run.latenciesMs.length });
      });
    }
    await renderChart(
      lineSpec({
        name: 'latency-cdf',
        title: 'Event time → finding at the sink (paced live run, kinesis-local)',
        x: { title: 'milliseconds' },
        y: { title: 'fraction of findings' },
        points: cdf,
      }),
      dir,
      'latency-cdf',
    );
    drawn.add('latency-cdf');
  }
  return drawn;
}

function variantEntries(size: SizeReport): [Variant, VariantReport][] {
  return Object.entries(size.variants) as [Variant, VariantReport][];
}

function totalRecords(result: VariantReport): number {
  return EVENT_SOURCES.reduce((sum, source) => sum + result.records[source], 0);
}

function ceilingSeconds(result: VariantReport): number {
  return EVENT_SOURCES.reduce((sum, source) => sum + (result.ceiling[source]?.seconds ?? 0), 0);
}

const number = (value: number, digits = 0) =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '–';
const ratio = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : '–');

function reportMarkdown(report: BenchReport, link: (file: string) => string, charts: Set<string>): string {
  const lines: string[] = [];
  const push = (...more: string[]) => lines.push(...more);
  const defaultThreads = String(report.defaultThreads);
  push(
    '# shardwatch benchmark',
    '',
    `Run ${report.startedAt.slice(0, 16).replace('T', ' ')} UTC, Node ${report.node}, ${report.cpus} cores, a machine shared with other ` +
      `work (1-minute load average ${report.load.start.toFixed(1)} at the start, ${report.load.end.toFixed(1)} at the end): compare the ratios, ` +
      'which were measured in the same run, not the absolute rates. Every measurement ran in a process of its own.',
    '',
    'Reproduce (options in bench/README.md):',
    '',
    '```sh',
    `npm run build && npx shardwatch bench --report <dir> --sizes ${report.sizes.map((size) => size.events).join(',')}` +
      `${report.rss ? ` --rss-events ${report.rss.events}` : ''}${report.latency ? ` --latency-seconds ${report.latency.seconds}` : ''}` +
      `${report.consumer ? ` --consumer-records ${report.consumer[0]?.records ?? 20000}` : ''}`,
    '```',
    '',
  );
  push(...goals(report), '');
  push(
    '## Replay throughput',
    '',
    'Records per second of the full default catalog (every source in one pass) against the parse-everything ceiling ' +
      'measured on the same files in the same run: gunzip + split + `JSON.parse` of every record (a flow-log line: split into its ' +
      `fields), one thread. shardwatch with ${defaultThreads} decode thread(s) beside the pipeline thread (\`replay --threads\`, default), ` +
      "by source over that source's files alone, and on the realistic mix (all files of the variant, merged by event time).",
    '',
    '| events | variant | source | records | ceiling rec/s | shardwatch rec/s | vs ceiling | peak RSS MiB |',
    '|---:|---|---|---:|---:|---:|---:|---:|',
  );
  for (const size of report.sizes) {
    for (const [variant, result] of variantEntries(size)) {
      for (const source of EVENT_SOURCES) {
        const ceiling = result.ceiling[source];
        const replay = result.replayBySource[source];
        const records = result.records[source];
        if (!ceiling || !replay) continue;
        push(
          `| ${number(size.events)} | ${variant} | ${source} | ${number(records)} | ${number(records / ceiling.seconds)} | ${number(records / replay.seconds)} | ${ratio(ceiling.seconds / replay.seconds)} | ${number(replay.peakRssMiB)} |`,
        );
      }
      const total = totalRecords(result);
      const ceiling = ceilingSeconds(result);
      for (const [threads, run] of Object.entries(result.replayMix)) {
        push(
          `| ${number(size.events)} | ${variant} | **mix**, ${threads} decode thread(s) | ${number(total)} | ${number(total / ceiling)} | ${number(total / run.seconds)} | **${ratio(ceiling / run.seconds)}** | ${number(run.peakRssMiB)} |`,
        );
      }
    }
  }
  push('', ...chart(charts, 'throughput', link, 'Throughput by corpus size'), '');
  push(...duckdbSection(report), '');
  push(...groundTruthSection(report), '');
  push(...memorySection(report, link, charts), '');
  if (report.latency) push(...latencySection(report, link, charts), '');
  if (report.consumer) push(...consumerSection(report), '');
  push(...profileSection(report, link), '');
  push(...notes(report));
  return `${lines.join('\n')}\n`;
}

function chart(charts: Set<string>, name: string, link: (file: string) => string, alt: string): string[] {
  if (!charts.has(name)) return [];
  return [
    `![${alt}](${link(`${name}.svg`)})`,
    '',
    `(PNG: [${name}.png](${link(`${name}.png`)}), vega-lite spec: [${name}.vl.json](${link(`${name}.vl.json`)}))`,
  ];
}

/** The issue's goals, each with this run's figure. */
function goals(report: BenchReport): string[] {
  const lines = ['## Goals', '', '| goal | this run | met |', '|---|---|---|'];
  const largest = report.sizes.at(-1);
  const mark = (met: boolean) => (met ? 'yes' : '**no**');
  if (largest) {
    for (const [variant, result] of variantEntries(largest)) {
      const run = result.replayMix[String(report.defaultThreads)];
      if (!run) continue;
      const mixRatio = ceilingSeconds(result) / run.seconds;
      const trail = result.replayBySource.cloudtrail;
      const trailRatio =
        trail && result.ceiling.cloudtrail ? result.ceiling.cloudtrail.seconds / trail.seconds : Number.NaN;
      lines.push(
        `| full-catalog replay of the realistic mix ≥ 1.5× the parse ceiling (${number(largest.events)} events, ${variant}) | ${ratio(mixRatio)} (CloudTrail alone ${ratio(trailRatio)}) | ${mark(mixRatio >= 1.5)} |`,
      );
      const duck = duckdbRatios(result);
      if (duck.length > 0) {
        lines.push(
          `| ahead of DuckDB on each windowed query (${number(largest.events)} events, ${variant}; DuckDB time / shardwatch time) | ${duck.map(([detection, value]) => `${detection} ${ratio(value)}`).join(', ')} | ${mark(duck.every(([, value]) => value > 1))} |`,
        );
      }
    }
  }
  for (const run of report.rss?.runs ?? []) {
    const { peak, growth } = rssShape(run.measurement);
    const options = run.nodeOptions.length > 0 ? `, ${run.nodeOptions.join(' ')}` : ', default heap sizing';
    lines.push(
      `| RSS flat and under 512 MB over ${number(report.rss?.events ?? 0)} events${options} | peak ${number(peak)} MiB; last quarter vs second quarter of the run ${growth >= 0 ? '+' : ''}${number(growth)} MiB | ${mark(peak < 512 && Math.abs(growth) < 64)} |`,
    );
  }
  for (const run of report.rss?.failed ?? []) {
    lines.push(
      `| RSS flat and under 512 MB over ${number(report.rss?.events ?? 0)} events, ${run.nodeOptions.join(' ')} | did not finish: ${run.reason} | ${mark(false)} |`,
    );
  }
  if (report.latency) {
    for (const run of report.latency.runs) {
      const p99 = percentile(run.latenciesMs, 0.99);
      lines.push(
        `| p99 event time → finding < 1 s, paced, no watermark wait (${run.consumer}) | p50 ${number(percentile(run.latenciesMs, 0.5))} ms, p99 ${number(p99)} ms (${run.found}/${run.triggers} triggers) | ${mark(p99 < 1000 && run.found === run.triggers)} |`,
      );
    }
  }
  if (report.consumer) {
    const floor = report.consumer.find((row) => row.consumer.startsWith('GetRecords'));
    const ours = report.consumer.find((row) => row.consumer.startsWith('shardwatch'));
    if (floor && ours) {
      const value = ours.cpuMicrosPerRecord / floor.cpuMicrosPerRecord;
      lines.push(
        `| consumer CPU per record ≤ 1.5× the bare GetRecords loop | ${ratio(value)} | ${mark(value <= 1.5)} |`,
      );
    }
  }
  return lines;
}

/** DuckDB time / shardwatch time over the same files, per detection. */
function duckdbRatios(result: VariantReport): [string, number][] {
  const answers = result.duckdb?.answers ?? [];
  return answers.flatMap((answer): [string, number][] => {
    const ours = result.replayBySource[PEER_SOURCES[answer.detection]];
    return ours ? [[answer.detection, answer.seconds / ours.seconds]] : [];
  });
}

function duckdbSection(report: BenchReport): string[] {
  const lines = [
    '## Against DuckDB',
    '',
    'DuckDB (`@duckdb/node-api`, 2 threads, columns declared) runs each windowed detection as one SQL query over the same files ' +
      '(the batch a team would run in Athena); shardwatch computes the whole catalog in one pass over the same files ' +
      `(${report.defaultThreads} decode thread(s)). Answers are compared key by key: the burst by account and window, the port scan by ` +
      'account/source address, spraying by source address.',
    '',
    '| events | variant | detection | DuckDB s | shardwatch s | DuckDB / shardwatch | answers |',
    '|---:|---|---|---:|---:|---:|---|',
  ];
  for (const size of report.sizes) {
    for (const [variant, result] of variantEntries(size)) {
      for (const answer of result.duckdb?.answers ?? []) {
        const ours = result.replayBySource[PEER_SOURCES[answer.detection]];
        const agreement = result.agreement.find((entry) => entry.detection === answer.detection);
        const agree =
          agreement && agreement.onlyDuckdb.length === 0 && agreement.onlyShardwatch.length === 0
            ? `agree (${agreement.duckdb.length})`
            : `**differ**: only DuckDB ${JSON.stringify(agreement?.onlyDuckdb ?? [])}, only shardwatch ${JSON.stringify(agreement?.onlyShardwatch ?? [])}`;
        lines.push(
          `| ${number(size.events)} | ${variant} | ${answer.detection} | ${number(answer.seconds, 2)} | ${number(ours?.seconds ?? Number.NaN, 2)} | ${ratio(ours ? answer.seconds / ours.seconds : Number.NaN)} | ${agree} |`,
        );
      }
    }
  }
  return lines;
}

function groundTruthSection(report: BenchReport): string[] {
  const lines = [
    '## Against the injected attacks',
    '',
    'Each corpus carries attack scenarios with ground-truth labels (detection, dedup key, event-time range of the finding); ' +
      'the background is built not to trip any detection. A finding matches a label of its detection and key whose range holds its time.',
    '',
    '| events | variant | labels | found | findings | precision | recall | missed | unexpected |',
    '|---:|---|---:|---:|---:|---:|---:|---|---|',
  ];
  for (const size of report.sizes) {
    for (const [variant, result] of variantEntries(size)) {
      const score = result.replayMix[String(report.defaultThreads)]?.score;
      if (!score) continue;
      lines.push(
        `| ${number(size.events)} | ${variant} | ${score.labels} | ${score.found} | ${score.findings} | ${score.precision.toFixed(3)} | ${score.recall.toFixed(3)} | ${score.missed.map((label) => `${label.detection} ${label.key}`).join('; ') || '–'} | ${score.unexpected.map((finding) => `${finding.detection} ${finding.key}`).join('; ') || '–'} |`,
      );
    }
  }
  const large = report.rss?.runs[0]?.measurement.score;
  if (report.rss && large) {
    lines.push(
      `| ${number(report.rss.events)} | ${report.rss.variant} | ${large.labels} | ${large.found} | ${large.findings} | ${large.precision.toFixed(3)} | ${large.recall.toFixed(3)} | ${large.missed.map((label) => `${label.detection} ${label.key}`).join('; ') || '–'} | ${large.unexpected.map((finding) => `${finding.detection} ${finding.key}`).join('; ') || '–'} |`,
    );
  }
  return lines;
}

/** Peak RSS, and how much the last quarter of the run holds more than the second quarter (mean RSS). */
function rssShape(measurement: Measurement): { peak: number; growth: number } {
  const samples = measurement.rss.map(([, mib]) => mib);
  const mean = (from: number, to: number) => {
    const part = samples.slice(Math.floor(samples.length * from), Math.floor(samples.length * to));
    return part.reduce((sum, value) => sum + value, 0) / Math.max(1, part.length);
  };
  return { peak: measurement.peakRssMiB, growth: mean(0.75, 1) - mean(0.25, 0.5) };
}

function memorySection(report: BenchReport, link: (file: string) => string, charts: Set<string>): string[] {
  const lines = ['## Memory', ''];
  for (const run of report.rss?.runs ?? []) {
    const { measurement } = run;
    const { peak, growth } = rssShape(measurement);
    const processed =
      EVENT_SOURCES.reduce((sum, source) => sum + measurement.records[source], 0) +
      (measurement.skipped ?? 0);
    const heap =
      run.nodeOptions.length > 0 ? `\`${run.nodeOptions.join(' ')}\`` : "Node's default heap sizing";
    lines.push(
      `Replay of ${number(report.rss?.events ?? 0)} events (${report.rss?.variant}, ${report.defaultThreads} decode thread(s), ${heap}): ` +
        `${number(processed)} records in ${number(measurement.seconds)} s (${number(processed / measurement.seconds)} records/s), peak RSS ` +
        `${number(peak)} MiB (sampled every 250 ms from /proc); mean RSS of the last quarter minus the second quarter: ` +
        `${growth >= 0 ? '+' : ''}${number(growth)} MiB.`,
      '',
    );
  }
  for (const run of report.rss?.failed ?? []) {
    lines.push(
      `Replay of ${number(report.rss?.events ?? 0)} events with \`${run.nodeOptions.join(' ')}\`: did not finish (${run.reason}).`,
      '',
    );
  }
  lines.push(...chart(charts, 'rss', link, 'RSS over time'));
  return lines;
}

function latencySection(report: BenchReport, link: (file: string) => string, charts: Set<string>): string[] {
  const latency = report.latency as NonNullable<BenchReport['latency']>;
  const lines = [
    '## Latency',
    '',
    `A paced live run through kinesis-local (${latency.recordsPerSecond} Kinesis records/s for ${latency.seconds} s per consumer: CloudTrail records ` +
      'and CloudWatch Logs flow-log messages with event time = now, and once a second a trigger of a detection that does not wait for the ' +
      'watermark), consumed by a shardwatch Worker (role all, full catalog) in its own process, to a sink taking batches of one. Event time ' +
      'is the trigger\'s (put 5 ms after the second turned: CloudTrail times have whole seconds); "put →" is from the PutRecords call.',
    '',
    '| consumer | triggers | found | p50 ms | p90 ms | p99 ms | max ms | put → finding p50 / p99 ms |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const run of latency.runs) {
    const at = (fraction: number) => number(percentile(run.latenciesMs, fraction));
    lines.push(
      `| ${run.consumer} | ${run.triggers} | ${run.found} | ${at(0.5)} | ${at(0.9)} | ${at(0.99)} | ${number(run.latenciesMs.at(-1) ?? Number.NaN)} | ${number(percentile(run.putToFindingMs, 0.5))} / ${number(percentile(run.putToFindingMs, 0.99))} |`,
    );
  }
  lines.push('', '| consumer | detection | triggers | p50 ms | p99 ms |', '|---|---|---:|---:|---:|');
  for (const run of latency.runs) {
    for (const [detection, stats] of Object.entries(run.byDetection)) {
      lines.push(
        `| ${run.consumer} | ${detection} | ${stats.triggers} | ${number(stats.p50)} | ${number(stats.p99)} |`,
      );
    }
  }
  lines.push('', ...chart(charts, 'latency-cdf', link, 'Latency CDF'));
  return lines;
}

function consumerSection(report: BenchReport): string[] {
  const lines = [
    '## Consumer',
    '',
    '`bench/consumer/run.ts`: the same CloudTrail records on an 8-shard kinesis-local stream, drained from TRIM_HORIZON by each ' +
      'consumer in its own process. kinesis-local serves only ~1–1.3 k records/s, so wall time measures the emulator; CPU per record is the comparison.',
    '',
    '| consumer | records | records/s (emulator-bound) | CPU µs/record | vs bare loop | peak RSS MiB |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  const floor = report.consumer?.find((row) => row.consumer.startsWith('GetRecords'));
  for (const row of report.consumer ?? []) {
    lines.push(
      `| ${row.consumer} | ${number(row.records)} | ${number(row.recordsPerSecond)} | ${number(row.cpuMicrosPerRecord)} | ${ratio(floor ? row.cpuMicrosPerRecord / floor.cpuMicrosPerRecord : Number.NaN)} | ${number(row.peakRssMiB)} |`,
    );
  }
  return lines;
}

function profileSection(report: BenchReport, link: (file: string) => string): string[] {
  const lines = ['## Profiles', ''];
  for (const profile of report.profiles) {
    lines.push(
      `### ${profile.name}`,
      '',
      `Flame graph: [${profile.svg}](${link(profile.svg)}) (raw V8 profile: \`${profile.cpuprofile}\` in the report directory; open it in Chrome DevTools → Performance, or speedscope).`,
      '',
      `CPU by area: ${profile.areas.map((area) => `${area.area} ${(area.share * 100).toFixed(0)}%`).join(', ')}.`,
      '',
      '| function | area | self ms | share |',
      '|---|---|---:|---:|',
      ...profile.top
        .slice(0, 12)
        .map(
          (hot) =>
            `| \`${hot.name}\` | ${hot.area} | ${number(hot.selfMs)} | ${(hot.share * 100).toFixed(1)}% |`,
        ),
      '',
    );
  }
  return lines;
}

function notes(report: BenchReport): string[] {
  const sources = (size: SizeReport) =>
    EVENT_SOURCES.map((source: EventSource) => `${source} ${number(size.manifest.records[source])}`).join(
      ', ',
    );
  return [
    '## Corpora',
    '',
    ...report.sizes.map(
      (size) =>
        `* ${number(size.events)} events (\`${size.corpus}\`): ${sources(size)}; S3 files: ${JSON.stringify(size.manifest.files.s3 ?? {})}.`,
    ),
    '',
    'Generated by `bench/generate/corpus-cli.ts` (seeded): CloudTrail at ~80% read-only over 24 accounts, 4 regions and 2,000 principals, ' +
      'VPC flow logs at 20× CloudTrail (half the VPCs in a custom version 5 format), GuardDuty findings, and one round of attack ' +
      'scenarios per hour of event time.',
  ];
}

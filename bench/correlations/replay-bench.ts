import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import { correlationCatalog } from '../../detections/catalog/correlations/index.js';
import { DEFAULT_CONFIG } from '../../processor/cli/config.js';
import { enabledDetections } from '../../processor/cli/detections.js';
import { replayFiles } from '../../processor/pipeline/replay.js';
import { generateCloudTrail } from '../generate/cloudtrail.js';
import { correlationScenario, SCENARIO_THREATS } from './scenario.js';

/**
 * Replay of ~1 M generated events — the benchmark's CloudTrail mix, plus the correlation scenario (every
 * correlation's stories, GuardDuty findings, flow records of live interfaces) — with the whole catalog, and the
 * same replay without the correlations, each in its own process so peak RSS is its own:
 *
 *   npx tsx bench/correlations/replay-bench.ts [cloudtrail records=700000] [stories=200]
 *
 * Prints one table row per mode: events decoded (records no enabled detection wants are skipped unparsed),
 * seconds, events/s, peak RSS, findings, correlation findings, state entries and MiB (the state cache, where
 * first-seen facts and baselines live). Compare the two rows of one run: this machine's speed varies.
 */
const here = dirname(fileURLToPath(import.meta.url));
const mode = process.argv[2];

if (mode === 'with' || mode === 'without') await run(mode, process.argv.slice(3));
else await main(Number(process.argv[2] ?? 700_000), Number(process.argv[3] ?? 200));

async function main(cloudTrailRecords: number, stories: number): Promise<void> {
  const directory = join(tmpdir(), `shardwatch-correlation-bench-${cloudTrailRecords}-${stories}`);
  mkdirSync(directory, { recursive: true });
  const files = [
    join(directory, 'cloudtrail.jsonl.gz'),
    join(directory, 'scenario.jsonl.gz'),
    join(directory, 'flows.log.gz'),
  ];
  if (!files.every(existsSync)) await writeInputs(files, cloudTrailRecords, stories);
  const rows = (['without', 'with'] as const).map((which) => {
    const output = execFileSync(
      process.execPath,
      ['--import', 'tsx', join(here, 'replay-bench.ts'), which, ...files],
      {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    return JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as Row;
  });
  console.log(
    `${cloudTrailRecords} generated CloudTrail records + the correlation scenario (${stories} stories each), node ${process.version}`,
  );
  console.log(
    '| catalog | detections | events | seconds | events/s | peak RSS MiB | findings | correlation findings | state entries | state MiB |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of rows)
    console.log(
      `| ${row.mode} correlations | ${row.detections} | ${row.events} | ${row.seconds.toFixed(1)} | ${Math.round(row.events / row.seconds)} | ${row.maxRssMiB.toFixed(0)} | ${row.findings} | ${row.correlationFindings} | ${row.stateEntries} | ${row.stateMiB.toFixed(1)} |`,
    );
}

interface Row {
  mode: string;
  detections: number;
  events: number;
  seconds: number;
  maxRssMiB: number;
  findings: number;
  correlationFindings: number;
  stateEntries: number;
  stateMiB: number;
}

async function writeInputs(files: string[], cloudTrailRecords: number, stories: number): Promise<void> {
  const [cloudTrail, json, flows] = files as [string, string, string];
  // The generator's records start at 2026-11-24T00:00Z, 1-10 ms apart; the stories run through the same hour.
  const scenario = correlationScenario({
    start: Date.UTC(2026, 10, 24, 0, 5),
    stories,
    spacingMs: 15_000,
    background: 150_000,
  });
  const write = (file: string, lines: Iterable<string>) =>
    pipeline(Readable.from(lines), createGzip(), createWriteStream(file));
  await write(
    cloudTrail,
    (function* () {
      for (const record of generateCloudTrail({ records: cloudTrailRecords, seed: 7 }))
        yield `${JSON.stringify(record)}\n`;
    })(),
  );
  await write(
    json,
    scenario.flatMap((item) => (item.source === 'flowlog' ? [] : [`${JSON.stringify(item.record)}\n`])),
  );
  await write(
    flows,
    scenario.flatMap((item) => (item.source === 'flowlog' ? [`${item.record}\n`] : [])),
  );
}

async function run(which: 'with' | 'without', files: string[]): Promise<void> {
  const correlations = new Set(correlationCatalog.map((entry) => entry.detection.id));
  const enabled = enabledDetections(DEFAULT_CONFIG);
  const detections =
    which === 'with' ? enabled.detections : enabled.detections.filter((d) => !correlations.has(d.id));
  let findings = 0;
  let correlationFindings = 0;
  const started = process.hrtime.bigint();
  const summary = await replayFiles(files, {
    detections,
    params: { ...enabled.params, 'flowlog-threat-list-traffic': { cidrs: SCENARIO_THREATS } },
    latenessMs: DEFAULT_CONFIG.latenessMs,
    state: DEFAULT_CONFIG.state,
    onFinding: (finding) => {
      findings += 1;
      if (correlations.has(finding.detection)) correlationFindings += 1;
    },
    onDeadLetter: () => {},
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const events = Object.values(summary.counters.eventsBySource).reduce((a, b) => a + b, 0);
  const row: Row = {
    mode: which,
    detections: detections.length,
    events,
    seconds,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    findings,
    correlationFindings,
    stateEntries: summary.state.entries,
    stateMiB: summary.state.bytes / 1_048_576,
  };
  process.stdout.write(`${JSON.stringify(row)}\n`);
}

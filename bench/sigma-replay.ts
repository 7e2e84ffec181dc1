import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Sigma replay benchmark: the same generated CloudTrail replayed with and without every Sigma rule of a
 * directory (default: the SigmaHQ CloudTrail corpus in test/corpus/sigma), each mode in its own process,
 * all in one run so the ratios compare like with like.
 *
 *   npm run build && node dist/bench/sigma-replay.js [records=1000000] [rules=test/corpus/sigma]
 */
const MODES = ['catalog', 'catalog+sigma', 'narrow', 'narrow+sigma', 'narrow+sigma-routed'];
const here = dirname(fileURLToPath(import.meta.url));
const records = Number(process.argv[2] ?? 1_000_000);
const rules = resolve(process.argv[3] ?? 'test/corpus/sigma');
const name = `cloudtrail-${records}.jsonl.gz`;
const file = join(here, '..', '..', 'bench', 'data', name);

if (!existsSync(file)) {
  process.stderr.write(`generating ${records} CloudTrail records → ${file}\n`);
  execFileSync(
    process.execPath,
    [join(here, 'generate', 'cli.js'), '--records', String(records), '--out', file],
    {
      stdio: 'inherit',
    },
  );
}

interface Run {
  mode: string;
  seconds: number;
  cpuSeconds: number;
  maxRssMiB: number;
  records: number;
  skipped: number;
  findings: number;
  sigmaFindings: number;
  detections: number;
}

const runs = MODES.map((mode) => {
  const output = execFileSync(process.execPath, [join(here, 'sigma-replay-run.js'), mode, file, rules], {
    encoding: 'utf8',
  });
  return JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as Run;
});

// CPU time, not wall time: on a shared machine a run's wall time says more about its neighbours.
const rate = (run: Run) => run.records / run.cpuSeconds;
const against: Record<string, string> = {
  'catalog+sigma': 'catalog',
  'narrow+sigma': 'narrow',
  'narrow+sigma-routed': 'narrow',
};
console.log(
  `sigma replay benchmark: ${records} CloudTrail records (${name}), rules ${rules}, node ${process.version}`,
);
console.log(
  '| mode | detections | wall s | CPU s | records per CPU s | vs without Sigma | skipped unparsed | peak RSS MiB | findings | Sigma findings |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const run of runs) {
  const base = runs.find((candidate) => candidate.mode === against[run.mode]);
  const cells = [
    run.mode,
    run.detections,
    run.seconds.toFixed(1),
    run.cpuSeconds.toFixed(1),
    Math.round(rate(run)),
    base ? (rate(run) / rate(base)).toFixed(2) : '1.00',
    run.skipped,
    run.maxRssMiB.toFixed(0),
    run.findings,
    run.sigmaFindings,
  ];
  console.log(`| ${cells.join(' | ')} |`);
}

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Replay benchmark: records/s and peak RSS of `shardwatch replay` over generated CloudTrail, against a
 * baseline measured in the same run on the same file (gunzip + split lines + JSON.parse: the floor any
 * JSON log replay pays). Each mode runs in its own process so its peak RSS is its own.
 *
 *   npm run build && node dist/bench/replay.js [records=1000000]
 */
const here = dirname(fileURLToPath(import.meta.url));
const records = Number(process.argv[2] ?? 1_000_000);
const file = join(here, '..', '..', 'bench', 'data', `cloudtrail-${records}.jsonl.gz`);

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
  records: number;
  seconds: number;
  maxRssMiB: number;
  findings: number;
}

const runs: Run[] = ['baseline', 'decode', 'replay', 'replay-no-prefilter'].map((mode) => {
  const output = execFileSync(process.execPath, [join(here, 'replay-run.js'), mode, file], {
    encoding: 'utf8',
  });
  return JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as Run;
});

const base = runs[0] as Run;
console.log(`replay benchmark: ${records} CloudTrail records (${file}), node ${process.version}`);
console.log('mode      records    seconds  records/s  vs baseline  peak RSS MiB  findings');
for (const run of runs) {
  const rate = run.records / run.seconds;
  const ratio = rate / (base.records / base.seconds);
  console.log(
    `${run.mode.padEnd(9)} ${String(run.records).padStart(8)} ${run.seconds.toFixed(2).padStart(10)} ${Math.round(
      rate,
    )
      .toString()
      .padStart(
        10,
      )} ${ratio.toFixed(2).padStart(12)} ${run.maxRssMiB.toFixed(0).padStart(13)} ${String(run.findings).padStart(9)}`,
  );
}

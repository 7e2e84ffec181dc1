import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPLAY_MODES } from './replay-modes.js';

/**
 * Replay benchmark: records/s and peak RSS of `shardwatch replay` over generated CloudTrail, against a
 * baseline measured in the same run on the same file (gunzip + split lines + JSON.parse: the floor any
 * JSON log replay pays). Each mode runs in its own process so its peak RSS is its own.
 *
 *   npm run build && node dist/bench/replay.js [records=1000000] [distinct principals]
 */
const here = dirname(fileURLToPath(import.meta.url));
const records = Number(process.argv[2] ?? 1_000_000);
const principals = process.argv[3] ? Number(process.argv[3]) : undefined;
const name = principals ? `cloudtrail-${records}-p${principals}.jsonl.gz` : `cloudtrail-${records}.jsonl.gz`;
const file = join(here, '..', '..', 'bench', 'data', name);

if (!existsSync(file)) {
  process.stderr.write(`generating ${records} CloudTrail records → ${file}\n`);
  const extra = principals ? ['--principals', String(principals)] : [];
  execFileSync(
    process.execPath,
    [join(here, 'generate', 'cli.js'), '--records', String(records), '--out', file, ...extra],
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
  stateEntries: number;
  stateMiB: number;
}

const runs: Run[] = REPLAY_MODES.map((mode) => {
  const output = execFileSync(process.execPath, [join(here, 'replay-run.js'), mode, file], {
    encoding: 'utf8',
  });
  return JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as Run;
});

const base = runs[0] as Run;
const baseRate = base.records / base.seconds;
console.log(`replay benchmark: ${records} CloudTrail records (${name}), node ${process.version}`);
console.log(
  '| mode | records | seconds | records/s | vs baseline | peak RSS MiB | findings | state entries | state MiB |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const run of runs) {
  const rate = run.records / run.seconds;
  const cells = [
    run.mode,
    run.records,
    run.seconds.toFixed(1),
    Math.round(rate),
    (rate / baseRate).toFixed(2),
    run.maxRssMiB.toFixed(0),
    run.findings,
    run.stateEntries,
    run.stateMiB.toFixed(1),
  ];
  console.log(`| ${cells.join(' | ')} |`);
}

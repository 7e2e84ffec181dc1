import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface BenchCommandOptions {
  report: string;
  docs?: string;
  sizes?: string;
  threads?: string;
  rssEvents?: string;
  latencySeconds?: string;
  consumerRecords?: string;
  variants?: string;
}

/**
 * `shardwatch bench --report <dir>`: runs the built benchmark (bench/run.ts), which writes report.md, the
 * charts and report.json into the directory. It needs the development install (DuckDB, vega, emulators).
 */
export function benchCommand(options: BenchCommandOptions): number {
  const script = fileURLToPath(new URL('../../bench/run.js', import.meta.url));
  if (!existsSync(script)) {
    process.stderr.write(
      'shardwatch: the benchmark runs from the build: npm ci && npm run build && npx shardwatch bench\n',
    );
    return 2;
  }
  const flags: [string, string | undefined][] = [
    ['--report', options.report],
    ['--docs', options.docs],
    ['--sizes', options.sizes],
    ['--threads', options.threads],
    ['--rss-events', options.rssEvents],
    ['--latency-seconds', options.latencySeconds],
    ['--consumer-records', options.consumerRecords],
    ['--variants', options.variants],
  ];
  const args = flags.flatMap(([flag, value]) => (value === undefined ? [] : [flag, value]));
  return spawnSync(process.execPath, [script, ...args], { stdio: 'inherit' }).status ?? 1;
}

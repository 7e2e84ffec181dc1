import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `shardwatch bench`: runs the built replay benchmark (bench/replay.ts), which prints a markdown table. */
export function benchCommand(records: string, principals: string | undefined): number {
  const script = fileURLToPath(new URL('../../bench/replay.js', import.meta.url));
  if (!existsSync(script)) {
    process.stderr.write(
      'shardwatch: the benchmark runs from the build: npm run build && npx shardwatch bench\n',
    );
    return 2;
  }
  const args = [script, records, ...(principals ? [principals] : [])];
  return spawnSync(process.execPath, args, { stdio: 'inherit' }).status ?? 1;
}

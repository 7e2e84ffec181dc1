import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildSampleFiles } from './sample-files.js';

/**
 * Writes the bundled sample logs (deterministic, see sample-files.ts):
 *
 *   npx tsx bench/generate/samples.ts samples
 */
const out = process.argv[2];
if (!out) {
  process.stderr.write('usage: samples <output directory>\n');
  process.exit(2);
}
for (const file of buildSampleFiles()) {
  const path = join(out, file.path);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, file.content);
  process.stdout.write(`${path} (${file.content.length} bytes)\n`);
}

import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { decodeFile } from '../processor/decode/index.js';
import { enabledDetections } from '../processor/cli/detections.js';
import { DEFAULT_CONFIG } from '../processor/cli/config.js';
import { replayFiles } from '../processor/pipeline/replay.js';
import { JsonlFile } from '../processor/sinks/jsonl-file.js';
import type { Finding } from '../schemas/types.js';

/**
 * One measured run in its own process (so max RSS is this run's):
 *   node dist/bench/replay-run.js <baseline|decode|replay> <file.jsonl.gz>
 * Prints one JSON line: { mode, records, seconds, maxRssMiB, findings }.
 */
type Mode = 'baseline' | 'decode' | 'replay';

async function baseline(file: string): Promise<number> {
  let records = 0;
  const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (line.length === 0) continue;
    JSON.parse(line);
    records += 1;
  }
  return records;
}

async function decodeOnly(file: string): Promise<number> {
  let records = 0;
  for await (const batch of decodeFile(file)) records += batch.events.length + batch.deadLetters.length;
  return records;
}

async function replay(file: string): Promise<{ records: number; findings: number }> {
  const { detections, params } = enabledDetections(DEFAULT_CONFIG);
  const out = new JsonlFile<Finding>(join(tmpdir(), `shardwatch-bench-${process.pid}.jsonl`));
  let records = 0;
  await replayFiles([file], {
    detections,
    params,
    latenessMs: DEFAULT_CONFIG.latenessMs,
    state: DEFAULT_CONFIG.state,
    onFinding: (finding) => out.write(finding),
    onDeadLetter: () => {
      records += 1;
    },
    onProgress: async ({ events }) => {
      records = Math.max(records, events);
      await out.drained();
    },
  });
  await out.close();
  return { records, findings: out.written };
}

const [mode, file] = process.argv.slice(2) as [Mode | undefined, string | undefined];
if (!mode || !file || !['baseline', 'decode', 'replay'].includes(mode)) {
  process.stderr.write('usage: replay-run <baseline|decode|replay> <file>\n');
  process.exit(2);
}
const started = process.hrtime.bigint();
let records: number;
let findings = 0;
if (mode === 'baseline') records = await baseline(file);
else if (mode === 'decode') records = await decodeOnly(file);
else ({ records, findings } = await replay(file));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const maxRssMiB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ mode, records, seconds, maxRssMiB, findings })}\n`);

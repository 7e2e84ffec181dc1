import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startDynalite } from '../../test/dynamodb/local.js';
import { createStream, startKinesisLocal } from '../../test/kinesis/local.js';
import type { DrainResult, DrainTask } from './drain.js';
import { putCloudTrail } from './put-records.js';

/**
 * Consumer throughput bench: one 8-shard stream on kinesis-local holding N generated CloudTrail records,
 * drained from TRIM_HORIZON by a bare GetRecords loop (the floor), the shardwatch Worker and lifion-kinesis,
 * each in its own process so CPU and peak RSS are its own. kinesis-local serves only ~2 k records/s here,
 * so CPU per record is the comparable number, wall time mostly measures the emulator.
 *
 *   node --import tsx bench/consumer/run.ts [records=20000] [--json rows.json] [--profile-dir dir]
 *
 * `--json` also writes the rows as JSON; `--profile-dir` writes a CPU profile of the shardwatch Worker's drain.
 */
const here = dirname(fileURLToPath(import.meta.url));
const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: { json: { type: 'string' }, 'profile-dir': { type: 'string' } },
});
const records = Number(positionals[0] ?? 20_000);
const SHARDS = 8;
const STREAM = 'bench-consumer';
/** A drain that has not finished by then is reported as failed (kinesis-local at 1 k/s: 20 s per 20 k). */
const CHILD_TIMEOUT_MS = 300_000;
const CHILDREN = [
  { script: 'sdk-drain', needs: undefined },
  { script: 'shardwatch-drain', needs: undefined },
  { script: 'lifion-drain', needs: 'lifion-kinesis' },
] as const;

if (!Number.isInteger(records) || records < 1) throw new Error('records must be an integer >= 1');

const kinesis = await startKinesisLocal();
const dynamodb = await startDynalite();
const rows: string[] = [];
const results: DrainResult[] = [];
try {
  const client = kinesis.client();
  await createStream(client, STREAM, SHARDS);
  const putStart = performance.now();
  await putCloudTrail(client, STREAM, records);
  const putSeconds = (performance.now() - putStart) / 1000;
  process.stderr.write(`put ${records} records in ${putSeconds.toFixed(1)} s\n`);
  client.destroy();
  const task: DrainTask = {
    kinesisEndpoint: kinesis.endpoint,
    dynamodbEndpoint: dynamodb.endpoint,
    streamName: STREAM,
    records,
  };
  for (const { script, needs } of CHILDREN) {
    if (needs !== undefined && !installed(needs)) {
      rows.push(`| ${needs} | not installed (npm install --save-dev ${needs}) | | | | | | |`);
      continue;
    }
    process.stderr.write(`draining with ${script}\n`);
    try {
      const result = await drain(script, task);
      results.push(result);
      rows.push(row(result));
    } catch (error) {
      rows.push(
        `| ${script} | failed: ${error instanceof Error ? error.message : String(error)} | | | | | | |`,
      );
    }
  }
} finally {
  await kinesis.stop();
  await dynamodb.stop();
}

console.log(
  `consumer bench: ${records} CloudTrail records, ${SHARDS} shards, kinesis-local + dynalite, node ${process.version}`,
);
console.log(
  '| consumer | records | wall s | records/s | first record s | CPU ms | CPU µs/record | peak RSS MiB |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const line of rows) console.log(line);
if (flags.json) {
  const json = results.map((result) => ({
    consumer: result.consumer,
    records: result.records,
    wallSeconds: result.wallMs / 1000,
    recordsPerSecond: result.records / (result.wallMs / 1000),
    cpuMicrosPerRecord: (result.cpuMs * 1000) / result.records,
    peakRssMiB: result.peakRssMiB,
  }));
  writeFileSync(flags.json, `${JSON.stringify(json, null, 2)}\n`);
}

function installed(name: string): boolean {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
}

/** Runs one drain child (same loader flags as this process, so it also works under tsx) and parses its result. */
function drain(script: string, task: DrainTask): Promise<DrainResult> {
  const profile =
    flags['profile-dir'] && script === 'shardwatch-drain'
      ? ['--cpu-prof', `--cpu-prof-dir=${flags['profile-dir']}`]
      : [];
  const child = spawn(
    process.execPath,
    [
      ...process.execArgv,
      ...profile,
      join(here, `${script}${extname(fileURLToPath(import.meta.url))}`),
      JSON.stringify(task),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const last = stdout.trim().split('\n').at(-1);
      if (code === 0 && last) resolve(JSON.parse(last) as DrainResult);
      else reject(new Error(`${script} exited ${code ?? signal}`));
    });
  });
}

function row(result: DrainResult): string {
  const cells = [
    result.consumer,
    result.records,
    (result.wallMs / 1000).toFixed(2),
    Math.round(result.records / (result.wallMs / 1000)),
    (result.firstRecordMs / 1000).toFixed(2),
    Math.round(result.cpuMs),
    ((result.cpuMs * 1000) / result.records).toFixed(0),
    result.peakRssMiB.toFixed(0),
  ];
  return `| ${cells.join(' | ')} |`;
}

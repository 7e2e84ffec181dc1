import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Measurement, Task, TaskResult } from './task.js';

const RSS_SAMPLE_MS = 250;

/**
 * Runs one task in a child process and samples its resident memory from /proc every 250 ms (the child's
 * own timers would not fire while it is busy). `cpuProfileDir`: write a V8 CPU profile of the run there.
 *
 *   const m = await measure({ kind: 'ceiling', files }); // m.seconds, m.peakRssMiB, m.rss
 */
export async function measure(
  task: Task,
  options: { cpuProfileDir?: string; nodeOptions?: readonly string[] } = {},
): Promise<Measurement> {
  const here = dirname(fileURLToPath(import.meta.url));
  const script = join(here, `child${extname(fileURLToPath(import.meta.url))}`);
  const profile = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
  const flags = [...process.execArgv, ...(options.nodeOptions ?? []), ...profile];
  const child = spawn(process.execPath, [...flags, script, JSON.stringify(task)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const started = performance.now();
  const rss: [number, number][] = [];
  let peak = 0;
  const sample = () => {
    const mib = residentMiB(child.pid);
    if (mib === null) return;
    peak = Math.max(peak, mib);
    rss.push([Number(((performance.now() - started) / 1000).toFixed(2)), Number(mib.toFixed(1))]);
  };
  const timer = setInterval(sample, RSS_SAMPLE_MS);
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (exitCode) => resolve(exitCode));
  });
  clearInterval(timer);
  const last = stdout.trim().split('\n').at(-1);
  if (code !== 0 || !last) throw new Error(`measurement ${task.kind} exited with ${code}`);
  const result = JSON.parse(last) as TaskResult;
  return { ...result, task, peakRssMiB: peak, rss };
}

/** VmRSS of a process in MiB, or null once it is gone. */
function residentMiB(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kib === undefined ? null : Number(kib) / 1024;
  } catch {
    return null;
  }
}

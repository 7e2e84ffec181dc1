import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEFAULT_STATE_OPTIONS, StateCache } from '../processor/state/index.js';
import type { SecurityEvent } from '../schemas/types.js';

/**
 * Memory bound of the state cache: n CloudTrail events from n distinct principals, each signing with
 * its own access key and calling firstSeen(principal, sourceIp), through a cache with the default
 * bounds, against a baseline that runs the same loop without the cache. Each mode runs in its own
 * process, so its peak RSS is its own.
 *
 *   node --expose-gc --import tsx bench/state-bound.ts [n=1000000]
 */
const MiB = 1024 * 1024;
const T0 = Date.parse('2024-04-02T00:00:00Z');
const SAMPLE_EVERY = 1000;

interface Run {
  mode: 'baseline' | 'cache';
  n: number;
  size: number;
  calculatedBytes: number;
  rssMiB: { before: number; peak: number; afterGc: number };
  /** V8 heap in use after gc: what the cache's byte estimate should track. */
  heapUsedMiB: { before: number; afterGc: number };
  seconds: number;
}

function syntheticEvent(index: number): SecurityEvent {
  const name = `user-${index}`;
  return {
    id: `event-${index}`,
    source: 'cloudtrail',
    time: T0 + index * 10,
    account: '123456789012',
    region: 'us-east-1',
    action: 's3:GetObject',
    principal: {
      type: 'IAMUser',
      arn: `arn:aws:iam::123456789012:user/${name}`,
      name,
      account: '123456789012',
      sessionIssuer: null,
      mfa: false,
      accessKeyId: `AKIA${index.toString(16).toUpperCase().padStart(16, '0')}`,
    },
    srcIp: `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`,
    userAgent: 'aws-cli/2.15.0',
    errorCode: null,
    readOnly: true,
    resources: [],
    flow: null,
    guardduty: null,
    raw: {},
  };
}

function rssMiB(): number {
  return Math.round((process.memoryUsage.rss() / MiB) * 10) / 10;
}

function heapUsedMiB(): number {
  return Math.round((process.memoryUsage().heapUsed / MiB) * 10) / 10;
}

function collectGarbage(): void {
  if (!global.gc) throw new Error('run with node --expose-gc');
  global.gc();
}

function run(mode: Run['mode'], n: number): Run {
  collectGarbage();
  const before = rssMiB();
  const heapBefore = heapUsedMiB();
  let peak = before;
  let clock = 0;
  const state = mode === 'cache' ? new StateCache({ ...DEFAULT_STATE_OPTIONS, now: () => clock }) : null;
  let checksum = 0; // keeps the baseline's events from being optimised away
  const started = process.hrtime.bigint();
  for (let index = 0; index < n; index += 1) {
    const event = syntheticEvent(index);
    clock = event.time;
    if (state) {
      state.apply(event);
      state.firstSeen('ip', event.principal?.arn ?? '', event.srcIp ?? '');
    } else {
      checksum += (event.principal?.arn ?? '').length + (event.srcIp ?? '').length;
    }
    if (index % SAMPLE_EVERY === 0) peak = Math.max(peak, rssMiB());
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  peak = Math.max(peak, rssMiB());
  collectGarbage();
  const afterGc = rssMiB();
  if (checksum < 0) throw new Error('unreachable');
  return {
    mode,
    n,
    size: state?.size ?? 0,
    calculatedBytes: state?.calculatedBytes ?? 0,
    rssMiB: { before, peak, afterGc },
    heapUsedMiB: { before: heapBefore, afterGc: heapUsedMiB() },
    seconds: Math.round(seconds * 100) / 100,
  };
}

const [, script, first, second] = process.argv;
if (first === 'baseline' || first === 'cache') {
  console.log(JSON.stringify(run(first, Number(second))));
} else {
  const n = Number(first ?? 1_000_000);
  const [baseline, cache] = (['baseline', 'cache'] as const).map((mode) => {
    const output = execFileSync(
      process.execPath,
      [...process.execArgv, script ?? fileURLToPath(import.meta.url), mode, String(n)],
      {
        encoding: 'utf8',
      },
    );
    return JSON.parse(output) as Run;
  });
  if (!baseline || !cache) throw new Error('a run printed nothing');
  console.log(
    JSON.stringify(
      {
        n,
        maxEntries: DEFAULT_STATE_OPTIONS.maxEntries,
        maxBytes: DEFAULT_STATE_OPTIONS.maxBytes,
        size: cache.size,
        calculatedBytes: cache.calculatedBytes,
        rssMiB: cache.rssMiB,
        heapUsedMiB: cache.heapUsedMiB,
        seconds: cache.seconds,
        baseline: { rssMiB: baseline.rssMiB, heapUsedMiB: baseline.heapUsedMiB, seconds: baseline.seconds },
        cacheRetainedMiB: Math.round((cache.rssMiB.afterGc - baseline.rssMiB.afterGc) * 10) / 10,
      },
      null,
      2,
    ),
  );
}

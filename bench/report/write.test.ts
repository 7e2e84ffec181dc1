import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Measurement } from '../measure/task.js';
import { summariseProfile } from './flamegraph.js';
import type { BenchReport } from './model.js';
import { percentile } from './stats.js';
import { writeReport } from './write.js';

function measurement(seconds: number, extra: Partial<Measurement> = {}): Measurement {
  return {
    task: { kind: 'ceiling', dirs: [] },
    seconds,
    cpuSeconds: seconds,
    records: { cloudtrail: 1000, flowlog: 20_000, guardduty: 1 },
    peakRssMiB: 200,
    rss: [
      [0, 100],
      [1, 180],
      [2, 200],
    ],
    ...extra,
  };
}

/** A run's figures as bench/run.ts would record them, small and made up. */
function sampleReport(): BenchReport {
  const labels = {
    labels: 2,
    found: 2,
    findings: 2,
    truePositives: 2,
    precision: 1,
    recall: 1,
    missed: [],
    unexpected: [],
  };
  return {
    startedAt: '2026-12-01T10:00:00.000Z',
    finishedAt: '2026-12-01T10:10:00.000Z',
    node: 'v20.19.0',
    cpus: 2,
    load: { start: 1, end: 1.5 },
    decodeThreads: [0, 1],
    defaultThreads: 1,
    sizes: [
      {
        events: 21_001,
        corpus: 'bench/data/corpus-21001',
        manifest: {
          options: {
            events: 21_001,
            seed: 1,
            flowRatio: 20,
            cloudTrailPerSecond: 10,
            accounts: 24,
            principals: 2000,
            start: 0,
            variants: ['s3'],
          },
          end: 3_600_000,
          records: { cloudtrail: 1000, flowlog: 20_000, guardduty: 1, total: 21_001 },
          files: { s3: { cloudtrail: 90, flowlog: 72, guardduty: 1 } },
          labels: 2,
        },
        variants: {
          s3: {
            records: { cloudtrail: 1000, flowlog: 20_000, guardduty: 1 },
            ceiling: {
              cloudtrail: measurement(0.1),
              flowlog: measurement(0.2),
              guardduty: measurement(0.01),
            },
            replayBySource: { cloudtrail: measurement(0.05), flowlog: measurement(0.4) },
            replayMix: { '0': measurement(0.6), '1': measurement(0.5, { score: labels }) },
            duckdb: measurement(1, {
              answers: [
                { detection: 'ec2-large-instance-burst', seconds: 0.2, keys: ['a@0'] },
                { detection: 'flowlog-port-scan', seconds: 0.3, keys: ['a/1.2.3.4'] },
                { detection: 'signin-password-spraying', seconds: 0.1, keys: ['5.6.7.8'] },
              ],
            }),
            agreement: [
              {
                detection: 'ec2-large-instance-burst',
                duckdb: ['a@0'],
                shardwatch: ['a@0'],
                onlyDuckdb: [],
                onlyShardwatch: [],
              },
              {
                detection: 'flowlog-port-scan',
                duckdb: ['a/1.2.3.4'],
                shardwatch: [],
                onlyDuckdb: ['a/1.2.3.4'],
                onlyShardwatch: [],
              },
            ],
          },
        },
      },
    ],
    latency: {
      seconds: 10,
      recordsPerSecond: 151,
      runs: [
        {
          consumer: 'shardwatch polling',
          triggers: 3,
          found: 3,
          latenciesMs: [100, 200, 900],
          putToFindingMs: [90, 190, 890],
          byDetection: { 'iam-user-created': { triggers: 3, p50: 200, p99: 900 } },
        },
      ],
    },
    profiles: [],
  };
}

describe('benchmark report', () => {
  it('writes the goals with their figures, the tables, and every chart as SVG, PNG and vega-lite spec', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shardwatch-report-'));
    const docs = join(dir, 'docs', 'benchmarks.md');
    await writeReport(sampleReport(), join(dir, 'report'), docs);
    const markdown = readFileSync(join(dir, 'report', 'report.md'), 'utf8');
    // Mix with 1 thread: ceiling 0.31 s / replay 0.5 s; CloudTrail alone 0.1 / 0.05.
    expect(markdown).toContain('| 0.62× (CloudTrail alone 2.00×) | **no** |');
    expect(markdown).toContain(
      'ec2-large-instance-burst 4.00×, flowlog-port-scan 0.75×, signin-password-spraying 2.00× | **no** |',
    );
    expect(markdown).toContain('| p50 200 ms, p99 900 ms (3/3 triggers) | yes |');
    expect(markdown).toContain('**differ**: only DuckDB ["a/1.2.3.4"]');
    expect(markdown).toContain('| 21,001 | s3 | 2 | 2 | 2 | 1.000 | 1.000 | – | – |');
    for (const chart of ['throughput', 'rss', 'latency-cdf']) {
      for (const extension of ['svg', 'png', 'vl.json']) {
        expect(existsSync(join(dir, 'report', `${chart}.${extension}`)), `${chart}.${extension}`).toBe(true);
      }
    }
    expect(readFileSync(join(dir, 'report', 'throughput.svg'), 'utf8')).toContain('<svg');
    expect(readFileSync(docs, 'utf8')).toContain('](../report/throughput.svg)');
  });

  it('summarises a CPU profile by area and function, and draws it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shardwatch-profile-'));
    const path = join(dir, 'run.cpuprofile');
    const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({
      id,
      callFrame: { functionName, url, lineNumber: 0 },
      children,
    });
    writeFileSync(
      path,
      JSON.stringify({
        nodes: [
          frame(1, '(root)', '', [2, 4]),
          frame(2, 'replayFiles', 'file:///x/processor/pipeline/replay.js', [3]),
          frame(3, 'decodeFlowLine', 'file:///x/processor/decode/flowlog.js'),
          frame(4, '(garbage collector)', ''),
        ],
        samples: [3, 3, 3, 2, 4],
        timeDeltas: [1000, 1000, 1000, 1000, 1000],
      }),
    );
    const summary = summariseProfile(path, 'test');
    expect(summary.totalMs).toBe(5);
    expect(summary.areas.map((area) => [area.area, area.ms])).toEqual([
      ['decode', 3],
      ['pipeline', 1],
      ['gc', 1],
    ]);
    expect(summary.top[0]).toMatchObject({
      name: 'decodeFlowLine decode/flowlog.js:1',
      selfMs: 3,
      share: 0.6,
    });
    expect(summary.svg.match(/<rect /g)?.length).toBe(5);
  });

  it('takes nearest-rank percentiles', () => {
    expect([
      percentile([10, 20, 30, 40], 0.5),
      percentile([10, 20, 30, 40], 0.99),
      percentile([], 0.5),
    ]).toEqual([20, 40, Number.NaN]);
  });
});

import { describe, expect, it } from 'vitest';
import { SinkMetricsRecorder } from './metrics.js';

describe('SinkMetricsRecorder', () => {
  it('is all zeros before the first batch', () => {
    expect(new SinkMetricsRecorder().snapshot(true)).toEqual({
      written: 0,
      retried: 0,
      rejected: 0,
      batches: 0,
      meanBatchSize: 0,
      latencyMs: { mean: 0, max: 0 },
      healthy: true,
    });
  });

  it('sums counts, averages batch size and latency, and takes p99 over the recent batches', () => {
    const recorder = new SinkMetricsRecorder();
    for (let i = 1; i <= 200; i += 1) {
      recorder.recordBatch({ size: i % 2 ? 10 : 4, written: 3, rejected: 1, retries: 2, latencyMs: i });
    }
    expect(recorder.snapshot(false)).toEqual({
      written: 600,
      retried: 400,
      rejected: 200,
      batches: 200,
      meanBatchSize: 7,
      latencyMs: { mean: 100.5, max: 200, p99: 198 },
      healthy: false,
    });
  });

  it('keeps the p99 sample bounded to the last 1024 batches', () => {
    const recorder = new SinkMetricsRecorder();
    for (let i = 0; i < 1024; i += 1)
      recorder.recordBatch({ size: 1, written: 1, rejected: 0, retries: 0, latencyMs: 1000 });
    for (let i = 0; i < 1024; i += 1)
      recorder.recordBatch({ size: 1, written: 1, rejected: 0, retries: 0, latencyMs: 1 });
    expect(recorder.snapshot(true).latencyMs).toEqual({ mean: 500.5, max: 1000, p99: 1 });
  });
});

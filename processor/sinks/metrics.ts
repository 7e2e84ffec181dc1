export interface SinkMetrics {
  written: number;
  retried: number;
  rejected: number;
  batches: number;
  meanBatchSize: number;
  /** Wall time of `send` per batch, retries included; p99 over the last 1024 batches. */
  latencyMs: { mean: number; max: number; p99?: number };
  healthy: boolean;
}

/** How many recent batch latencies the p99 is taken over (bounded memory on a long run). */
const LATENCY_SAMPLES = 1024;

/**
 * Per-sink counters Delivery keeps as batches complete.
 *
 *   recorder.recordBatch({ size: 10, written: 9, rejected: 1, retries: 2, latencyMs: 35 });
 *   recorder.snapshot(true); // { written: 9, rejected: 1, retried: 2, batches: 1, meanBatchSize: 10, ... }
 */
export class SinkMetricsRecorder {
  private written = 0;
  private retried = 0;
  private rejected = 0;
  private batches = 0;
  private batchedFindings = 0;
  private latencyTotalMs = 0;
  private latencyMaxMs = 0;
  private readonly recentLatencies: number[] = [];

  recordBatch(batch: {
    size: number;
    written: number;
    rejected: number;
    retries: number;
    latencyMs: number;
  }) {
    this.batches += 1;
    this.batchedFindings += batch.size;
    this.written += batch.written;
    this.rejected += batch.rejected;
    this.retried += batch.retries;
    this.latencyTotalMs += batch.latencyMs;
    this.latencyMaxMs = Math.max(this.latencyMaxMs, batch.latencyMs);
    this.recentLatencies[(this.batches - 1) % LATENCY_SAMPLES] = batch.latencyMs;
  }

  snapshot(healthy: boolean): SinkMetrics {
    const latencyMs: SinkMetrics['latencyMs'] = {
      mean: this.batches ? this.latencyTotalMs / this.batches : 0,
      max: this.latencyMaxMs,
    };
    if (this.recentLatencies.length > 0) {
      const sorted = [...this.recentLatencies].sort((a, b) => a - b);
      latencyMs.p99 = sorted[Math.ceil(sorted.length * 0.99) - 1] as number;
    }
    return {
      written: this.written,
      retried: this.retried,
      rejected: this.rejected,
      batches: this.batches,
      meanBatchSize: this.batches ? this.batchedFindings / this.batches : 0,
      latencyMs,
      healthy,
    };
  }
}

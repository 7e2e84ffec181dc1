import { performance } from 'node:perf_hooks';

/** What run.ts hands each consumer child (as JSON in argv[2]): where the data is and how much to drain. */
export interface DrainTask {
  kinesisEndpoint: string;
  dynamodbEndpoint: string;
  streamName: string;
  /** Stop once this many records were processed. */
  records: number;
}

/** One child's measurements, printed as the last stdout line. */
export interface DrainResult {
  consumer: string;
  records: number;
  /** From the consumer's start call (lease table, shard sync, leases included) to the last record. */
  wallMs: number;
  /** From the start call to the first record: the consumer's startup. */
  firstRecordMs: number;
  /** User + system CPU of this process over `wallMs`. */
  cpuMs: number;
  /** Peak resident set of this process over its whole life (module loading included). */
  peakRssMiB: number;
}

/**
 * Wall time and CPU of one drain in this process, from start() to finish(); CPU is process.cpuUsage,
 * so the emulators (other processes) are not counted.
 *
 *   const meter = new DrainMeter('lifion-kinesis', 20_000); await consumer.start(); meter.processed(total);
 *   const result = await meter.done; // resolves once `task.records` were counted
 */
export class DrainMeter {
  readonly done: Promise<DrainResult>;
  private readonly startedAt = performance.now();
  private readonly cpuAtStart = process.cpuUsage();
  private firstAt: number | undefined;
  private resolve: ((result: DrainResult) => void) | undefined;

  constructor(
    private readonly consumer: string,
    private readonly target: number,
  ) {
    this.done = new Promise((resolve) => {
      this.resolve = resolve;
    });
  }

  /** Reports the running total of records processed; resolves `done` when it reaches the target. */
  processed(total: number): void {
    if (total > 0 && this.firstAt === undefined) this.firstAt = performance.now();
    if (total < this.target || this.resolve === undefined) return;
    const now = performance.now();
    const cpu = process.cpuUsage(this.cpuAtStart);
    this.resolve({
      consumer: this.consumer,
      records: total,
      wallMs: now - this.startedAt,
      firstRecordMs: (this.firstAt ?? now) - this.startedAt,
      cpuMs: (cpu.user + cpu.system) / 1000,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
    });
    this.resolve = undefined;
  }
}

/**
 * The task a child was started with.
 *
 *   const task = readTask(process.argv[2]);
 *   const meter = new DrainMeter('lifion-kinesis', task.records);
 */
export function readTask(argument: string | undefined): DrainTask {
  if (argument === undefined) throw new Error('usage: <child> <DrainTask as JSON>');
  return JSON.parse(argument) as DrainTask;
}

/** The child's one line of output for run.ts. */
export function report(result: DrainResult): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

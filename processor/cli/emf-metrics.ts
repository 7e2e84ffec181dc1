import type { Logger } from 'pino';
import type { HealthSnapshot } from './health-server.js';

/** The numbers an EMF line carries, and the unit CloudWatch stores each in. */
const METRICS = [
  { Name: 'ShardsLeased', Unit: 'Count' },
  { Name: 'UnhealthySinks', Unit: 'Count' },
  { Name: 'MaxMillisBehindLatest', Unit: 'Milliseconds' },
  { Name: 'Events', Unit: 'Count' },
  { Name: 'Findings', Unit: 'Count' },
  { Name: 'DeadLetters', Unit: 'Count' },
  { Name: 'RejectedFindings', Unit: 'Count' },
] as const;

type MetricName = (typeof METRICS)[number]['Name'];

/** Running totals of a snapshot; an EMF line carries their increase since the previous line. */
interface Totals {
  events: number;
  findings: number;
  deadLetters: number;
  rejected: number;
}

const sum = (values: Iterable<number>) => [...values].reduce((total, value) => total + value, 0);

function totals(snapshot: HealthSnapshot): Totals {
  return {
    events: sum(Object.values(snapshot.events.bySource)),
    findings: sum(Object.values(snapshot.findings)),
    deadLetters: snapshot.deadLetters,
    rejected: sum(Object.values(snapshot.sinks).map((sink) => sink.rejected)),
  };
}

/**
 * One CloudWatch embedded-metric-format record (fields at the root, `_aws` says which are metrics) for the
 * Stream × Role dimensions: gauges as they are now, counters as their increase since `previous`.
 * MaxMillisBehindLatest is left out while no shard is held (no value is not a zero lag).
 *
 *   log.info(emfRecord(snapshot, before, 'Shardwatch', Date.now()), 'metrics');
 */
export function emfRecord(
  snapshot: HealthSnapshot,
  previous: HealthSnapshot | undefined,
  namespace: string,
  timestamp: number,
): Record<string, unknown> {
  const now = totals(snapshot);
  const before = previous ? totals(previous) : { events: 0, findings: 0, deadLetters: 0, rejected: 0 };
  const values: Partial<Record<MetricName, number>> = {
    ShardsLeased: snapshot.shards.length,
    UnhealthySinks: Object.values(snapshot.sinks).filter((sink) => !sink.healthy).length,
    Events: now.events - before.events,
    Findings: now.findings - before.findings,
    DeadLetters: now.deadLetters - before.deadLetters,
    RejectedFindings: now.rejected - before.rejected,
  };
  if (snapshot.shards.length > 0)
    values.MaxMillisBehindLatest = Math.max(...snapshot.shards.map((shard) => shard.millisBehindLatest));
  return {
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: [['Stream', 'Role']],
          Metrics: METRICS.filter((metric) => values[metric.Name] !== undefined),
        },
      ],
    },
    Stream: snapshot.stream,
    Role: snapshot.role,
    ...values,
  };
}

/**
 * Logs one EMF record every `intervalMs` (CloudWatch Logs turns them into metrics; the alarms of the CDK
 * app read them). Returns the function that stops it.
 *
 *   const stop = startEmfReporter({ log, intervalMs: 60_000, namespace: 'Shardwatch', snapshot });
 */
export function startEmfReporter(o: {
  log: Pick<Logger, 'info'>;
  intervalMs: number;
  namespace: string;
  snapshot: () => HealthSnapshot;
}): () => void {
  let previous: HealthSnapshot | undefined;
  const report = () => {
    const snapshot = o.snapshot();
    o.log.info(emfRecord(snapshot, previous, o.namespace, Date.now()), 'metrics');
    previous = snapshot;
  };
  const timer = setInterval(report, o.intervalMs);
  return () => clearInterval(timer);
}

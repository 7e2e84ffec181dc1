import type { WorkerOptions } from '../worker.js';
import { KeyedPublisher } from './keyed-publisher.js';
import { KeyedRoutes } from './keyed-routes.js';

export type Role = 'all' | 'ingest' | 'detect';
export const ROLES: readonly Role[] = ['all', 'ingest', 'detect'];

/** The internal keyed stream both split roles use, and the lease table of its consumers (`detect`). */
export interface KeyedStream {
  stream: string;
  /** Must differ from the source's lease table: lease keys are shard ids, which repeat across streams. */
  leaseTable: string;
}

/** Worker options for a role, plus the publisher (ingest) for metrics and tests. */
export interface RoleWorker {
  options: WorkerOptions;
  publisher?: KeyedPublisher;
}

/**
 * Turns `all` Worker options into a role's. `all`: unchanged. `ingest`: the source stream with only the
 * single-event detections, publishing to the keyed stream what stateful detections and the state cache route
 * on, and the findings of single-event detections with a dedup period, which are rolled up on the detect side
 * (one engine per dedup key: several ingest workers each see only part of a key's findings). Its horizon is 0:
 * it holds no windows; records wait only for findings and PutRecords acks. `detect`: the keyed stream (its own
 * lease table), one engine per keyed shard running the stateful detections and those roll-ups, snapshots in
 * `<keyed lease table>-snapshots`.
 *
 *   const { options } = roleWorker('detect', allOptions, { stream: 'sw-keyed', leaseTable: 'sw-keyed-leases' });
 *   await new Worker(options).start();
 */
export function roleWorker(role: Role, all: WorkerOptions, keyed: KeyedStream | undefined): RoleWorker {
  if (role === 'all') return { options: all };
  if (!keyed) throw new Error(`role ${role} needs the keyed stream (consumer.keyedStream)`);
  const stateful = all.detections.filter((detection) => detection.stateful !== undefined);
  const relayed = all.detections.filter(
    (detection) => detection.stateful === undefined && detection.dedupPeriodMs !== undefined,
  );
  if (role === 'ingest') {
    const publisher = new KeyedPublisher({
      kinesis: all.kinesis,
      streamName: keyed.stream,
      routes: new KeyedRoutes(stateful),
      relayed,
      ...(all.retry ? { retry: all.retry } : {}),
      onError: (error) => all.onError?.(error, `keyed stream ${keyed.stream}`),
    });
    const detections = all.detections.filter((detection) => detection.stateful === undefined);
    return { options: { ...all, detections, horizonMs: 0, publisher }, publisher };
  }
  const options: WorkerOptions = {
    ...all,
    streamName: keyed.stream,
    leaseTableName: keyed.leaseTable,
    detections: stateful,
    keyed: { relayed, snapshotTable: `${keyed.leaseTable}-snapshots` },
  };
  return { options };
}

import { filter } from 'rxjs';
import type { Detection } from '../../../detections/api.js';
import type { WorkerOptions } from '../worker.js';
import { KeyedEventDecoder } from './keyed-decoder.js';
import { KeyedPublisher } from './keyed-publisher.js';
import { KeyedRoutes } from './keyed-routes.js';
import { partitionKeyOf } from './partition-key.js';

export type Role = 'all' | 'ingest' | 'detect';
export const ROLES: readonly Role[] = ['all', 'ingest', 'detect'];

/** The internal keyed stream both split roles use, and the lease table of its consumers (`detect`). */
export interface KeyedStream {
  stream: string;
  /** Must differ from the source's lease table: lease keys are shard ids, which repeat across streams. */
  leaseTable: string;
}

/** Worker options for a role, plus the publisher (ingest) or decoder (detect) for metrics and tests. */
export interface RoleWorker {
  options: WorkerOptions;
  publisher?: KeyedPublisher;
  decoder?: KeyedEventDecoder;
}

/**
 * Turns `all` Worker options into a role's (DESIGN.md §5). `all`: unchanged. `ingest`: the source stream with
 * only the single-event detections, publishing what stateful detections and the state cache route on to the
 * keyed stream (its horizon is 0: it holds no windows; records wait only for findings and PutRecords acks).
 * `detect`: the keyed stream (its own lease table) with only the stateful detections, each fed the copies
 * published under its own partition key.
 *
 *   const { options } = roleWorker('detect', allOptions, { stream: 'sw-keyed', leaseTable: 'sw-keyed-leases' });
 *   await new Worker(options).start();
 */
export function roleWorker(role: Role, all: WorkerOptions, keyed: KeyedStream | undefined): RoleWorker {
  if (role === 'all') return { options: all };
  if (!keyed) throw new Error(`role ${role} needs the keyed stream (consumer.keyedStream)`);
  const stateful = all.detections.filter((detection) => detection.stateful !== undefined);
  if (role === 'ingest') {
    const publisher = new KeyedPublisher({
      kinesis: all.kinesis,
      streamName: keyed.stream,
      routes: new KeyedRoutes(stateful),
      ...(all.retry ? { retry: all.retry } : {}),
      onError: (error) => all.onError?.(error, `keyed stream ${keyed.stream}`),
    });
    const detections = all.detections.filter((detection) => detection.stateful === undefined);
    return { options: { ...all, detections, horizonMs: 0, publisher }, publisher };
  }
  const decoder = new KeyedEventDecoder();
  const detections = stateful.map((detection) => ownKeyOnly(detection, decoder));
  const options: WorkerOptions = {
    ...all,
    streamName: keyed.stream,
    leaseTableName: keyed.leaseTable,
    detections,
    decoder: decoder.decode,
  };
  return { options, decoder };
}

/** An event published under several keys reaches a detection only in the copy carrying that detection's key. */
function ownKeyOnly(detection: Detection, decoder: KeyedEventDecoder): Detection {
  return {
    ...detection,
    operator: (context) => (events) =>
      events.pipe(
        filter((event) => decoder.keyOf(event) === partitionKeyOf(detection, event)),
        detection.operator(context),
      ),
  };
}

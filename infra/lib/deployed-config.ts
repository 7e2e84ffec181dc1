import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { validateConfig } from '../../processor/cli/config.js';

/** The port of /healthz and /metrics in the container (the ECS health check calls it). */
export const HEALTH_PORT = 8080;
/** CloudWatch namespace of the tasks' EMF metrics, which the alarms read. */
export const METRICS_NAMESPACE = 'Shardwatch';

/** What the stack created, for the config the tasks read. */
export interface DeployedResources {
  region: string;
  sourceStream: string;
  sourceLeaseTable: string;
  /** Split roles only. */
  keyed: { stream: string; leaseTable: string } | undefined;
  topics: { alert: string; notify: string; log: string };
  store:
    | { kind: 'timestream'; database: string; table: string }
    | { kind: 'influxdb'; url: string; org: string; bucket: string; tokenEnv: string };
}

type Section = Record<string, unknown> | undefined;

/**
 * The shardwatch.yaml the tasks run with (a JSON document, which is YAML): the user's file (detections,
 * allow-lists, lateness, state, consumer timings, SNS teams…) with what this deployment owns put over it:
 * the streams, lease tables, region, health port, sink targets and EMF metrics. It is validated here with
 * the schema the tasks use, so `cdk synth` fails on a config the tasks would refuse.
 *
 *   const document = deployedConfig(resources, 'shardwatch.yaml');
 */
export function deployedConfig(
  resources: DeployedResources,
  configFile: string | undefined,
): Record<string, unknown> {
  const own = configFile ? ((parse(readFileSync(configFile, 'utf8')) ?? {}) as Record<string, unknown>) : {};
  const sinks = own.sinks as Section;
  // One lease owner per task (hostname-pid) and the real AWS endpoints.
  const { workerId: _workerId, endpoints: _endpoints, ...consumer } = (own.consumer as Section) ?? {};
  const { store } = resources;
  const document: Record<string, unknown> = {
    ...own,
    consumer: {
      ...consumer,
      stream: resources.sourceStream,
      leaseTable: resources.sourceLeaseTable,
      region: resources.region,
      ...(resources.keyed ? { keyedStream: resources.keyed } : {}),
      healthPort: HEALTH_PORT,
    },
    sinks: {
      ...(sinks?.deadLetters === undefined ? {} : { deadLetters: sinks.deadLetters }),
      sns: { ...(sinks?.sns as Section), region: resources.region, topics: resources.topics },
      ...(store.kind === 'timestream'
        ? { timestream: { region: resources.region, database: store.database, table: store.table } }
        : {
            influxdb: {
              url: store.url,
              apiVersion: 2,
              org: store.org,
              bucket: store.bucket,
              tokenEnv: store.tokenEnv,
            },
          }),
    },
    log: { ...(own.log as Section), emf: { interval: '60s', namespace: METRICS_NAMESPACE } },
  };
  validateConfig({ origin: configFile ?? 'deployed config', document, overrides: [] });
  return document;
}

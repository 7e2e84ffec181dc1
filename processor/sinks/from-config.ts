import type { SinksConfig } from '../cli/config.js';
import { InfluxDbSink } from './influxdb/index.js';
import type { FindingSink } from './sink.js';
import { SnsSink } from './sns/index.js';
import { TimestreamSink } from './timestream/index.js';

/** A sink the config asks for but the environment cannot provide (e.g. a missing token variable). */
export class SinkSetupError extends Error {
  override readonly name = 'SinkSetupError';
}

/**
 * The sinks a config enables, with AWS credentials from the default provider chain.
 *
 *   const sinks = sinksFromConfig(config.sinks, process.env); // [SnsSink, TimestreamSink, …]
 */
export function sinksFromConfig(config: SinksConfig, env: NodeJS.ProcessEnv): FindingSink[] {
  const sinks: FindingSink[] = [];
  if (config.sns) {
    const { region, endpoint, topics, teams } = config.sns;
    sinks.push(new SnsSink({ client: endpoint ? { region, endpoint } : { region }, topics, teams }));
  }
  if (config.timestream) {
    const { region, database, table } = config.timestream;
    sinks.push(new TimestreamSink({ clientConfig: { region }, database, table }));
  }
  if (config.influxdb?.apiVersion === 1) {
    sinks.push(new InfluxDbSink(config.influxdb));
  } else if (config.influxdb?.apiVersion === 2) {
    const { url, org, bucket, tokenEnv } = config.influxdb;
    const token = tokenEnv ? env[tokenEnv] : config.influxdb.token;
    if (!token)
      throw new SinkSetupError(`sinks.influxdb: environment variable ${tokenEnv} (the token) is not set`);
    sinks.push(new InfluxDbSink({ url, apiVersion: 2, org, bucket, token }));
  }
  return sinks;
}

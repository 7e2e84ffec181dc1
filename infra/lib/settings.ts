import type { Node } from 'constructs';

/** What a deployment chooses, from `cdk deploy -c key=value` (context values are strings). */
export interface ShardwatchSettings {
  /** The log group a CloudTrail trail delivers to (CloudWatch Logs); subscribed to the source stream. */
  cloudTrailLogGroup: string;
  /** Provisioned shards of the source stream; on-demand when unset. */
  sourceShards: number | undefined;
  /** Provisioned shards of the internal keyed stream (split roles); on-demand when unset. */
  keyedShards: number | undefined;
  /** `split`: an ingest and a detect service over the keyed stream; `all`: one service. */
  roles: 'split' | 'all';
  /** Where findings are stored: Timestream for LiveAnalytics, or a Timestream for InfluxDB instance. */
  store: 'timestream' | 'influxdb';
  /** Timestream for LiveAnalytics retention. */
  memoryStoreHours: number;
  magneticStoreDays: number;
  /** Tasks per service: autoscaling on iterator age moves between these. */
  minTasks: number;
  maxTasks: number;
  /** Fargate size of each task. */
  cpu: number;
  memoryMiB: number;
  /** An image in ECR (`repository:tag` in this account and region); default: built from infra/Dockerfile. */
  image: { repository: string; tag: string } | undefined;
  /** A shardwatch.yaml whose detection settings, allow-lists, lateness and state bounds are deployed. */
  configFile: string | undefined;
  /** Email for the alarms topic and for the example subscription (critical findings); none when unset. */
  alarmEmail: string | undefined;
  findingsEmail: string | undefined;
}

/** The value of a -c setting that cannot be used. */
export class SettingError extends Error {
  override readonly name = 'SettingError';
  constructor(key: string, message: string) {
    super(`-c ${key}: ${message}`);
  }
}

/**
 * Settings from the CDK context (`cdk deploy -c cloudTrailLogGroup=… -c roles=all`), with the defaults.
 *
 *   const settings = settingsFromContext(app.node);
 */
export function settingsFromContext(node: Node): ShardwatchSettings {
  const text = (key: string): string | undefined => {
    const value: unknown = node.tryGetContext(key);
    return value === undefined || value === '' ? undefined : String(value);
  };
  const count = (key: string, fallback?: number): number | undefined => {
    const value = text(key);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1)
      throw new SettingError(key, `expected a positive integer, got ${value}`);
    return parsed;
  };
  const choice = <T extends string>(key: string, allowed: readonly T[]): T => {
    const value = text(key) ?? allowed[0];
    if (!allowed.includes(value as T))
      throw new SettingError(key, `expected one of ${allowed.join(', ')}, got ${value}`);
    return value as T;
  };
  const cloudTrailLogGroup = text('cloudTrailLogGroup');
  if (!cloudTrailLogGroup)
    throw new SettingError(
      'cloudTrailLogGroup',
      'missing: the CloudWatch Logs log group of your CloudTrail trail',
    );
  const image = text('image');
  const [repository, tag = 'latest'] = image?.split(':') ?? [];
  const minTasks = count('minTasks', 1) as number;
  const maxTasks = count('maxTasks', 4) as number;
  if (maxTasks < minTasks) throw new SettingError('maxTasks', `must be at least minTasks (${minTasks})`);
  return {
    cloudTrailLogGroup,
    sourceShards: count('sourceShards'),
    keyedShards: count('keyedShards'),
    roles: choice('roles', ['split', 'all'] as const),
    store: choice('store', ['timestream', 'influxdb'] as const),
    memoryStoreHours: count('memoryStoreHours', 24) as number,
    magneticStoreDays: count('magneticStoreDays', 365) as number,
    minTasks,
    maxTasks,
    cpu: count('cpu', 1024) as number,
    memoryMiB: count('memoryMiB', 2048) as number,
    image: repository ? { repository, tag } : undefined,
    configFile: text('configFile'),
    alarmEmail: text('alarmEmail'),
    findingsEmail: text('findingsEmail'),
  };
}

import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { V2_HEADER, V5_HEADER } from '../generate/corpus-flows.js';

/**
 * The peer a team would run instead of a stream processor: DuckDB (2 threads, columns declared) running
 * shardwatch's windowed detections as SQL batches over the same files, one query per detection, the way
 * Athena would over S3. Each query returns the detection's keys, so the answers can be compared.
 */
export type PeerDetection = 'ec2-large-instance-burst' | 'flowlog-port-scan' | 'signin-password-spraying';

export const PEER_DETECTIONS: readonly PeerDetection[] = [
  'ec2-large-instance-burst',
  'flowlog-port-scan',
  'signin-password-spraying',
];

/** The sources (file sets) a detection's query reads. */
export const PEER_SOURCES: Record<PeerDetection, 'cloudtrail' | 'flowlog'> = {
  'ec2-large-instance-burst': 'cloudtrail',
  'flowlog-port-scan': 'flowlog',
  'signin-password-spraying': 'cloudtrail',
};

export interface PeerAnswer {
  detection: PeerDetection;
  seconds: number;
  /** The detection's keys the query found: `account@windowStart` for the burst, the dedup key otherwise. */
  keys: string[];
}

/** Where a corpus variant keeps each source, as DuckDB globs (flow logs by format). */
export interface CorpusGlobs {
  cloudtrail: string;
  flowlog: { v2: string; v5: string };
}

export function corpusGlobs(dir: string, variant: 's3' | 'big'): CorpusGlobs {
  if (variant === 'big') {
    return {
      cloudtrail: join(dir, 'big', 'cloudtrail.jsonl.gz'),
      flowlog: { v2: join(dir, 'big', 'flowlogs-v2.log.gz'), v5: join(dir, 'big', 'flowlogs-v5.log.gz') },
    };
  }
  const flows = (format: string) =>
    join(dir, 's3', `flowlogs-${format}`, 'AWSLogs', '*', 'vpcflowlogs', '*', '*', '*', '*', '*.log.gz');
  return {
    cloudtrail: join(dir, 's3', 'cloudtrail', 'AWSLogs', '*', 'CloudTrail', '*', '*', '*', '*', '*.json.gz'),
    flowlog: { v2: flows('v2'), v5: flows('v5') },
  };
}

/** The CloudTrail fields the queries read, declared (DuckDB then skips schema inference). */
const CLOUDTRAIL_FIELDS = [
  ['eventTime', 'TIMESTAMP'],
  ['eventSource', 'VARCHAR'],
  ['eventName', 'VARCHAR'],
  ['recipientAccountId', 'VARCHAR'],
  ['errorCode', 'VARCHAR'],
  ['sourceIPAddress', 'VARCHAR'],
  ['userIdentity', 'STRUCT(accountId VARCHAR, userName VARCHAR)'],
  ['requestParameters', 'STRUCT(instanceType VARCHAR)'],
  [
    'responseElements',
    'STRUCT(ConsoleLogin VARCHAR, instancesSet STRUCT(items STRUCT(instanceType VARCHAR)[]))',
  ],
] as const;

function quoted(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** CloudTrail records as rows: JSON Lines as they are, S3 log files unnested from `Records`. */
function cloudTrailTable(glob: string): string {
  if (glob.endsWith('.jsonl.gz')) {
    const columns = CLOUDTRAIL_FIELDS.map(([name, type]) => `${name}: ${quoted(type)}`).join(', ');
    return `read_json(${quoted(glob)}, format = 'newline_delimited', columns = {${columns}})`;
  }
  const struct = `STRUCT(${CLOUDTRAIL_FIELDS.map(([name, type]) => `${name} ${type}`).join(', ')})[]`;
  return `(SELECT unnest(Records, recursive := false) AS r FROM read_json(${quoted(glob)}, format = 'auto', columns = {Records: ${quoted(struct)}}))`;
}

const INTEGER_FLOW_FIELDS = new Set([
  'version',
  'srcport',
  'dstport',
  'protocol',
  'packets',
  'bytes',
  'start',
  'end',
  'tcp-flags',
  'traffic-path',
]);

/** Flow records of both formats' files, each read with its columns declared (no sniffing). */
function flowTable(globs: CorpusGlobs['flowlog']): string {
  const read = (glob: string, fields: readonly string[]) => {
    const columns = fields.map(
      (name) => `${quoted(name)}: ${quoted(INTEGER_FLOW_FIELDS.has(name) ? 'BIGINT' : 'VARCHAR')}`,
    );
    return `SELECT "account-id", srcaddr, srcport, dstport, start, action FROM read_csv(${quoted(glob)}, delim = ' ', header = true, nullstr = '-', auto_detect = false, columns = {${columns.join(', ')}})`;
  };
  return `(${read(globs.v2, V2_HEADER.split(' '))} UNION ALL ${read(globs.v5, V5_HEADER.split(' '))})`;
}

/** A column of the CloudTrail rows, whichever layout (`r.` for the unnested S3 records). */
function ct(glob: string, field: string): string {
  return glob.endsWith('.jsonl.gz') ? field : `r.${field}`;
}

/** ec2-large-instance-burst: more than 5 instances of size ≥ 8xlarge (or metal) per account in a 5-minute window. */
function burstSql(glob: string): string {
  const f = (field: string) => ct(glob, field);
  return `
    WITH launched AS (
      SELECT coalesce(${f('recipientAccountId')}, ${f('userIdentity')}.accountId) AS account,
             ${f('eventTime')} AS time,
             coalesce(unnest(${f('responseElements')}.instancesSet.items).instanceType, ${f('requestParameters')}.instanceType) AS type
      FROM ${cloudTrailTable(glob)}
      WHERE ${f('eventSource')} = 'ec2.amazonaws.com' AND ${f('eventName')} = 'RunInstances' AND ${f('errorCode')} IS NULL
    ), sized AS (
      SELECT account, time, split_part(type, '.', 2) AS size FROM launched
    )
    SELECT account || '@' || CAST(epoch_ms(time_bucket(INTERVAL 5 MINUTE, time)) AS VARCHAR) AS key
    FROM sized
    WHERE size LIKE 'metal%' OR (regexp_matches(size, '^[0-9]+xlarge$') AND CAST(regexp_extract(size, '^([0-9]+)xlarge$', 1) AS INTEGER) >= 8)
    GROUP BY ALL
    HAVING count(*) > 5`;
}

/** flowlog-port-scan: at least 25 distinct destination ports of probes from one source in a 1-minute window. */
function portScanSql(globs: CorpusGlobs['flowlog']): string {
  return `
    SELECT DISTINCT "account-id" || '/' || srcaddr AS key
    FROM (
      SELECT "account-id", srcaddr, time_bucket(INTERVAL 1 MINUTE, to_timestamp(start)) AS window
      FROM ${flowTable(globs)}
      WHERE action IN ('ACCEPT', 'REJECT') AND srcaddr IS NOT NULL AND dstport IS NOT NULL
        AND NOT (srcport IS NOT NULL AND srcport < 1024 AND dstport >= 1024)
      GROUP BY ALL
      HAVING count(DISTINCT dstport) >= 25
    )`;
}

/** signin-password-spraying: at least 10 distinct users failing console sign-in from one address in 10 minutes (windows sliding by a minute). */
function sprayingSql(glob: string): string {
  const f = (field: string) => ct(glob, field);
  return `
    WITH failed AS (
      SELECT ${f('sourceIPAddress')} AS address, ${f('userIdentity')}.userName AS name,
             time_bucket(INTERVAL 1 MINUTE, ${f('eventTime')}) AS minute
      FROM ${cloudTrailTable(glob)}
      WHERE ${f('eventSource')} = 'signin.amazonaws.com' AND ${f('eventName')} = 'ConsoleLogin'
        AND ${f('responseElements')}.ConsoleLogin = 'Failure' AND ${f('userIdentity')}.userName IS NOT NULL
    )
    SELECT DISTINCT address AS key FROM (
      SELECT address, minute - to_minutes(k) AS start
      FROM failed, range(0, 10) AS windows(k)
      GROUP BY ALL
      HAVING count(DISTINCT name) >= 10
    )`;
}

/**
 * Runs the three queries over a corpus variant, each on a fresh connection (2 threads), and times each.
 *
 *   const answers = await runDuckDb(corpusGlobs('bench/data/corpus-1000000', 's3'));
 */
export async function runDuckDb(globs: CorpusGlobs): Promise<PeerAnswer[]> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const queries: Record<PeerDetection, string> = {
    'ec2-large-instance-burst': burstSql(globs.cloudtrail),
    'flowlog-port-scan': portScanSql(globs.flowlog),
    'signin-password-spraying': sprayingSql(globs.cloudtrail),
  };
  const answers: PeerAnswer[] = [];
  try {
    for (const detection of PEER_DETECTIONS) {
      const connection = await instance.connect();
      const started = performance.now();
      const reader = await connection.runAndReadAll(queries[detection]);
      const seconds = (performance.now() - started) / 1000;
      const keys = reader
        .getRowObjectsJS()
        .map((row) => String(row.key))
        .sort();
      answers.push({ detection, seconds, keys });
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
  return answers;
}

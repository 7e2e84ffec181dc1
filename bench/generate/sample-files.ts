import { gzipSync } from 'node:zlib';
import type { JsonValue } from '../../schemas/types.js';
import {
  cloudWatchLogsControlMessage,
  cloudWatchLogsMessage,
  eventBridgeCloudTrail,
  eventBridgeGuardDuty,
  s3LogFile,
} from './envelopes.js';
import { SeededRandom } from './random.js';
import { at, PROD } from './sample-actors.js';
import { sampleCloudTrail } from './sample-cloudtrail.js';
import { sampleFlowLogs } from './sample-flowlogs.js';
import { sampleGuardDuty } from './sample-guardduty.js';

/** One file of samples/: its path under samples/ and its exact bytes. */
export interface SampleFile {
  path: string;
  content: Buffer;
}

/** Paths of the files, in replay (sorted) order; the S3 key's time is the file's last event. */
export const SAMPLE_PATHS = {
  cloudWatchLogs: 'cloudtrail/cloudwatch-logs/batch-0001.json.gz',
  controlMessage: 'cloudtrail/cloudwatch-logs/control-message.json.gz',
  eventBridge: 'cloudtrail/eventbridge/events.jsonl',
  s3: 'cloudtrail/s3/111122223333_CloudTrail_us-east-1_20261124T1105Z_a1b2.json.gz',
  flowCloudWatchLogs: 'flowlogs/cloudwatch-logs.json.gz',
  flowCustomV5: 'flowlogs/custom-v5.log',
  flowDefaultV2: 'flowlogs/eni-default-v2.log',
  guardDuty: 'guardduty/findings.jsonl',
  guardDutyRaw: 'guardduty/raw-finding.json',
} as const;

function gzipJson(value: JsonValue): Buffer {
  return gzipSync(JSON.stringify(value), { level: 9 });
}

function jsonLines(values: readonly JsonValue[]): Buffer {
  return Buffer.from(values.map((value) => `${JSON.stringify(value)}\n`).join(''));
}

function textLines(lines: readonly string[]): Buffer {
  return Buffer.from(lines.map((line) => `${line}\n`).join(''));
}

/**
 * Builds every sample file from fixed seeds: the same bytes on every run (gzip included, for a given
 * zlib), so `npx tsx bench/generate/samples.ts samples` reproduces the committed samples.
 *
 *   for (const file of buildSampleFiles()) writeFileSync(join('samples', file.path), file.content);
 */
export function buildSampleFiles(): SampleFile[] {
  const trail = sampleCloudTrail(new SeededRandom(20261124));
  const findings = sampleGuardDuty(new SeededRandom(7));
  const flows = sampleFlowLogs(new SeededRandom(11));
  const envelopes = new SeededRandom(5);
  const cloudWatchLogs = cloudWatchLogsMessage(envelopes, {
    owner: PROD,
    logGroup: 'aws-cloudtrail-logs-111122223333-management',
    logStream: '111122223333_CloudTrail_us-east-1',
    filter: 'shardwatch-kinesis',
    events: trail.cloudWatchLogs.map((record) => ({
      timestamp: Date.parse(String(record.eventTime)),
      message: JSON.stringify(record),
    })),
  });
  const flowCloudWatchLogs = cloudWatchLogsMessage(envelopes, {
    owner: PROD,
    logGroup: '/aws/vpc/flow-logs/vpc-0a1b2c3d4e5f6a7b8',
    logStream: 'eni-0f1e2d3c4b5a69788-all',
    filter: 'shardwatch-kinesis',
    events: flows.cloudWatchLogs,
  });
  return [
    { path: SAMPLE_PATHS.cloudWatchLogs, content: gzipJson(cloudWatchLogs) },
    { path: SAMPLE_PATHS.controlMessage, content: gzipJson(cloudWatchLogsControlMessage(at(8, 59, 30))) },
    {
      path: SAMPLE_PATHS.eventBridge,
      content: jsonLines(trail.eventBridge.map((record) => eventBridgeCloudTrail(envelopes, record))),
    },
    { path: SAMPLE_PATHS.s3, content: gzipJson(s3LogFile(trail.s3)) },
    { path: SAMPLE_PATHS.flowCloudWatchLogs, content: gzipJson(flowCloudWatchLogs) },
    { path: SAMPLE_PATHS.flowCustomV5, content: textLines(flows.customV5) },
    { path: SAMPLE_PATHS.flowDefaultV2, content: textLines(flows.defaultV2) },
    {
      path: SAMPLE_PATHS.guardDuty,
      content: jsonLines(findings.findings.map((finding) => eventBridgeGuardDuty(envelopes, finding))),
    },
    { path: SAMPLE_PATHS.guardDutyRaw, content: Buffer.from(`${JSON.stringify(findings.raw, null, 2)}\n`) },
  ];
}

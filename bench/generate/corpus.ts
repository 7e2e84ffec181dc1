import { once } from 'node:events';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createGzip, type Gzip, gzipSync } from 'node:zlib';
import type { JsonObject } from '../../schemas/types.js';
import type { CloudTrailRecord } from './cloudtrail-records.js';
import { attackRound, type Label, ROUND_MS } from './corpus-attacks.js';
import { backgroundCloudTrail } from './corpus-cloudtrail.js';
import { backgroundFlow, type Flow, formatFlow, V2_HEADER, V5_HEADER } from './corpus-flows.js';
import { backgroundGuardDuty } from './corpus-guardduty.js';
import { seededOrg } from './corpus-org.js';
import { cloudWatchLogsMessage, eventBridgeGuardDuty } from './envelopes.js';
import { SeededRandom } from './random.js';

/** The same records, laid out as each delivery path writes them. */
export type CorpusVariant = 's3' | 'big' | 'cwl';

export interface CorpusOptions {
  /** Records in all (CloudTrail, flow records, GuardDuty findings), background and attacks. */
  events: number;
  seed: number;
  /** Flow records per CloudTrail record (VPC flow logs run 10–50× CloudTrail). */
  flowRatio: number;
  /** CloudTrail records per second of event time over the organisation; smaller corpora still span an hour. */
  cloudTrailPerSecond: number;
  accounts: number;
  principals: number;
  /** Epoch ms of the first event. */
  start: number;
  variants: readonly CorpusVariant[];
}

export const DEFAULT_CORPUS_OPTIONS: Omit<CorpusOptions, 'events'> = {
  seed: 1,
  flowRatio: 20,
  cloudTrailPerSecond: 10,
  accounts: 24,
  principals: 2000,
  start: Date.UTC(2026, 10, 24),
  variants: ['s3', 'big'],
};

/** What was written, for the benchmark and the report. */
export interface CorpusManifest {
  options: CorpusOptions;
  end: number;
  records: { cloudtrail: number; flowlog: number; guardduty: number; total: number };
  /** Files of each variant, by source. */
  files: Partial<Record<CorpusVariant, { cloudtrail: number; flowlog: number; guardduty: number }>>;
  labels: number;
}

const SLOT_MS = 5 * 60_000;
/** Background GuardDuty findings over the organisation per hour. */
const GUARDDUTY_PER_HOUR = 24;

/**
 * Writes a deterministic corpus under `dir`, streaming (memory holds one 5-minute slot):
 *
 * - `s3/`: CloudTrail as it lands in S3 (`s3/cloudtrail/AWSLogs/…`), one `{"Records":[…]}` .json.gz per
 *   account, region and 5 minutes; flow logs per VPC and 5 minutes (.log.gz with the header line), one
 *   bucket per format (`s3/flowlogs-v2/…`, `s3/flowlogs-v5/…`: version 2 and a custom version 5 format);
 *   GuardDuty findings as exported (`s3/guardduty/`), one .jsonl.gz per hour.
 * - `big/`: the same records in one file per source (and flow format).
 * - `cwl/`: CloudWatch Logs subscription messages (what Kinesis carries), one per line, for CloudTrail and
 *   the version 2 flow logs, and GuardDuty findings as EventBridge events.
 * - `labels.jsonl`: ground truth of the injected attacks; `manifest.json`: counts and options.
 *
 *   await writeCorpus('bench/data/corpus-1000000', { ...DEFAULT_CORPUS_OPTIONS, events: 1_000_000 });
 */
export async function writeCorpus(dir: string, options: CorpusOptions): Promise<CorpusManifest> {
  const org = seededOrg(options.seed, { accounts: options.accounts, principals: options.principals });
  const random = new SeededRandom(options.seed);
  const cloudTrailTotal = Math.max(1, Math.round(options.events / (1 + options.flowRatio)));
  const flowTotal = Math.max(0, options.events - cloudTrailTotal);
  const span = Math.max(ROUND_MS, Math.ceil((cloudTrailTotal / options.cloudTrailPerSecond) * 1000));
  const slots = Math.ceil(span / SLOT_MS);
  const end = options.start + slots * SLOT_MS;
  const guardDutyTotal = Math.max(1, Math.round((GUARDDUTY_PER_HOUR * (end - options.start)) / 3_600_000));
  const variants = new Set(options.variants);
  const out = new CorpusFiles(dir, variants);
  const manifest: CorpusManifest = {
    options,
    end,
    records: { cloudtrail: 0, flowlog: 0, guardduty: 0, total: 0 },
    files: {},
    labels: 0,
  };

  const rounds = Array.from({ length: Math.floor((end - options.start) / ROUND_MS) }, (_, round) =>
    attackRound(random, org, options.start + round * ROUND_MS, round),
  );
  const labels: Label[] = rounds.flatMap((round) => round.labels);
  const attackCloudTrail = rounds.flatMap((round) => round.cloudtrail);
  const attackFlows = rounds.flatMap((round) => round.flows);
  const attackGuardDuty = rounds.flatMap((round) => round.guardduty);

  for (let slot = 0; slot < slots; slot += 1) {
    const from = options.start + slot * SLOT_MS;
    const to = from + SLOT_MS;
    const share = (total: number) =>
      Math.floor(((slot + 1) * total) / slots) - Math.floor((slot * total) / slots);
    const times = (count: number) =>
      Array.from({ length: count }, () => from + random.int(SLOT_MS)).sort((a, b) => a - b);
    const inSlot = <T>(items: T[], time: (item: T) => number) =>
      items.filter((item) => time(item) >= from && time(item) < to);
    const cloudtrail = [
      ...times(share(cloudTrailTotal)).map((time) => backgroundCloudTrail(random, org, time)),
      ...inSlot(attackCloudTrail, recordTime),
    ].sort((a, b) => recordTime(a) - recordTime(b));
    const flows = [
      ...times(share(flowTotal)).map((time) => backgroundFlow(random, org, time)),
      ...inSlot(attackFlows, (flow) => flow.start * 1000),
    ].sort((a, b) => a.start - b.start);
    const guardduty = [
      ...times(share(guardDutyTotal)).map((time) => backgroundGuardDuty(random, org, time)),
      ...inSlot(attackGuardDuty, (finding) => Date.parse(String(finding.updatedAt))),
    ];
    await out.slot(random, to, cloudtrail, flows, guardduty);
    manifest.records.cloudtrail += cloudtrail.length;
    manifest.records.flowlog += flows.length;
    manifest.records.guardduty += guardduty.length;
  }
  await out.close();
  manifest.records.total =
    manifest.records.cloudtrail + manifest.records.flowlog + manifest.records.guardduty;
  manifest.files = out.counts;
  manifest.labels = labels.length;
  writeFileSync(join(dir, 'labels.jsonl'), labels.map((label) => `${JSON.stringify(label)}\n`).join(''));
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

function recordTime(record: CloudTrailRecord): number {
  return Date.parse(String(record.eventTime));
}

/** `20261124T1005Z`, as S3 keys of CloudTrail and flow logs carry it. */
function stamp(time: number): string {
  return new Date(time).toISOString().replace(/[-:]/g, '').slice(0, 13).concat('Z');
}

function datePath(time: number): string {
  return new Date(time).toISOString().slice(0, 10).replaceAll('-', '/');
}

/** The corpus' output files: small S3-style files per slot, and the streams of the big and cwl variants. */
class CorpusFiles {
  readonly counts: CorpusManifest['files'] = {};
  private readonly streams = new Map<string, GzipStream>();
  private guardDutyHour = '';
  private guardDutyBuffer: JsonObject[] = [];

  constructor(
    private readonly dir: string,
    private readonly variants: ReadonlySet<CorpusVariant>,
  ) {
    for (const variant of variants) this.counts[variant] = { cloudtrail: 0, flowlog: 0, guardduty: 0 };
    // One file of subscription messages carries CloudTrail and flow logs; one of EventBridge events GuardDuty.
    if (variants.has('cwl')) this.counts.cwl = { cloudtrail: 1, flowlog: 1, guardduty: 1 };
  }

  async slot(
    random: SeededRandom,
    slotEnd: number,
    cloudtrail: CloudTrailRecord[],
    flows: Flow[],
    guardduty: JsonObject[],
  ): Promise<void> {
    if (this.variants.has('s3')) this.s3Slot(random, slotEnd, cloudtrail, flows, guardduty);
    if (this.variants.has('big')) {
      const big = this.counts.big as { cloudtrail: number; flowlog: number; guardduty: number };
      await this.write(
        'big/cloudtrail.jsonl.gz',
        cloudtrail.map((record) => JSON.stringify(record)),
        big,
        'cloudtrail',
      );
      for (const format of ['v2', 'v5'] as const) {
        const lines = flows.filter((flow) => flow.vpc.format === format).map(formatFlow);
        await this.write(
          `big/flowlogs-${format}.log.gz`,
          lines,
          big,
          'flowlog',
          format === 'v2' ? V2_HEADER : V5_HEADER,
        );
      }
      await this.write(
        'big/guardduty.jsonl.gz',
        guardduty.map((finding) => JSON.stringify(finding)),
        big,
        'guardduty',
      );
    }
    if (this.variants.has('cwl')) await this.cwlSlot(random, cloudtrail, flows, guardduty);
  }

  async close(): Promise<void> {
    this.flushGuardDuty();
    for (const stream of this.streams.values()) await stream.close();
  }

  private s3Slot(
    random: SeededRandom,
    slotEnd: number,
    cloudtrail: CloudTrailRecord[],
    flows: Flow[],
    guardduty: JsonObject[],
  ): void {
    const s3 = this.counts.s3 as { cloudtrail: number; flowlog: number; guardduty: number };
    for (const [group, records] of groupBy(
      cloudtrail,
      (record) => `${record.recipientAccountId}|${record.awsRegion}`,
    )) {
      const [account, region] = group.split('|') as [string, string];
      const name = `${account}_CloudTrail_${region}_${stamp(slotEnd)}_${random.alnum(16)}.json.gz`;
      this.file(
        `s3/cloudtrail/AWSLogs/${account}/CloudTrail/${region}/${datePath(slotEnd)}/${name}`,
        gzipSync(JSON.stringify({ Records: records })),
      );
      s3.cloudtrail += 1;
    }
    for (const [, vpcFlows] of groupBy(flows, (flow) => flow.vpc.id)) {
      const { account, vpc } = vpcFlows[0] as Flow;
      const name = `${account.id}_vpcflowlogs_${vpc.region}_${vpc.flowLogId}_${stamp(slotEnd)}_${random.hex(8)}.log.gz`;
      const header = vpc.format === 'v2' ? V2_HEADER : V5_HEADER;
      const text = `${header}\n${vpcFlows.map(formatFlow).join('\n')}\n`;
      this.file(
        `s3/flowlogs-${vpc.format}/AWSLogs/${account.id}/vpcflowlogs/${vpc.region}/${datePath(slotEnd)}/${name}`,
        gzipSync(text),
      );
      s3.flowlog += 1;
    }
    const hour = stamp(slotEnd - 1).slice(0, 11);
    if (hour !== this.guardDutyHour) this.flushGuardDuty();
    this.guardDutyHour = hour;
    this.guardDutyBuffer.push(...guardduty);
  }

  private flushGuardDuty(): void {
    if (this.guardDutyBuffer.length === 0) return;
    const text = this.guardDutyBuffer.map((finding) => `${JSON.stringify(finding)}\n`).join('');
    this.file(`s3/guardduty/${this.guardDutyHour}00Z.jsonl.gz`, gzipSync(text));
    (this.counts.s3 as { guardduty: number }).guardduty += 1;
    this.guardDutyBuffer = [];
  }

  /** Subscription messages per log stream and minute, as CloudWatch Logs batches them for Kinesis. */
  private async cwlSlot(
    random: SeededRandom,
    cloudtrail: CloudTrailRecord[],
    flows: Flow[],
    guardduty: JsonObject[],
  ): Promise<void> {
    const messages: { first: number; text: string }[] = [];
    const minute = (time: number) => Math.floor(time / 60_000);
    for (const [group, records] of groupBy(
      cloudtrail,
      (record) => `${record.recipientAccountId}_CloudTrail_${record.awsRegion}|${minute(recordTime(record))}`,
    )) {
      const events = records.map((record) => ({
        timestamp: recordTime(record),
        message: JSON.stringify(record),
      }));
      const message = cloudWatchLogsMessage(random, {
        owner: String(records[0]?.recipientAccountId),
        logGroup: 'aws-cloudtrail-logs-organization',
        logStream: group.split('|')[0] as string,
        filter: 'all-events',
        events,
      });
      messages.push({ first: events[0]?.timestamp ?? 0, text: JSON.stringify(message) });
    }
    const v2 = flows.filter((flow) => flow.vpc.format === 'v2');
    for (const [group, eniFlows] of groupBy(
      v2,
      (flow) => `${flow.instance.eni}|${minute(flow.start * 1000)}`,
    )) {
      const { account, vpc } = eniFlows[0] as Flow;
      const events = eniFlows.map((flow) => ({ timestamp: flow.start * 1000, message: formatFlow(flow) }));
      const message = cloudWatchLogsMessage(random, {
        owner: account.id,
        logGroup: `/aws/vpc/flow-logs/${vpc.id}`,
        logStream: `${group.split('|')[0]}-all`,
        filter: 'all-flows',
        events,
      });
      messages.push({ first: events[0]?.timestamp ?? 0, text: JSON.stringify(message) });
    }
    messages.sort((a, b) => a.first - b.first);
    await this.write(
      'cwl/cloudwatch-logs.jsonl.gz',
      messages.map((message) => message.text),
    );
    const events = guardduty.map((finding) => JSON.stringify(eventBridgeGuardDuty(random, finding)));
    await this.write('cwl/guardduty-eventbridge.jsonl.gz', events);
  }

  private file(path: string, content: Buffer): void {
    const full = join(this.dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }

  /** Appends lines to a big gzip file (created with its header line); counts the file once. */
  private async write(
    path: string,
    lines: readonly string[],
    counts?: Record<'cloudtrail' | 'flowlog' | 'guardduty', number>,
    source?: 'cloudtrail' | 'flowlog' | 'guardduty',
    header?: string,
  ): Promise<void> {
    let stream = this.streams.get(path);
    if (!stream) {
      stream = new GzipStream(join(this.dir, path));
      this.streams.set(path, stream);
      if (counts && source) counts[source] += 1;
      if (header) await stream.write(`${header}\n`);
    }
    if (lines.length > 0) await stream.write(`${lines.join('\n')}\n`);
  }
}

/** A gzip file written as a stream, waiting for it to drain (bounded memory). */
class GzipStream {
  private readonly gzip: Gzip;
  private readonly done: Promise<unknown>;

  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.gzip = createGzip();
    const file = createWriteStream(path);
    this.gzip.pipe(file);
    this.done = once(file, 'finish');
  }

  async write(text: string): Promise<void> {
    if (!this.gzip.write(text)) await once(this.gzip, 'drain');
  }

  async close(): Promise<void> {
    this.gzip.end();
    await this.done;
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const name = key(item);
    const group = groups.get(name);
    if (group) group.push(item);
    else groups.set(name, [item]);
  }
  return groups;
}

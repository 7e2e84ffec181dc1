import type { SeededRandom } from './random.js';
import { ATTACKER_IP, at, PROD, WEB_INSTANCE } from './sample-actors.js';

/**
 * VPC flow log lines of the sample day (VPC User Guide, "Flow log records": default format version 2
 * and custom formats with v3-v5 fields). They cover 11:01-11:06, the end of the sample day, so a
 * sequential replay reads them after the CloudTrail files without any of them being late.
 *
 *   const { cloudWatchLogs, customV5, defaultV2 } = sampleFlowLogs(new SeededRandom(11));
 */
export interface FlowLogSamples {
  /** Default-format lines of the web server's interface, as CloudWatch Logs log events. */
  cloudWatchLogs: { timestamp: number; message: string }[];
  /** Header line (the format's field names) then lines of the RDP jump host and NAT traffic. */
  customV5: string[];
  /** Default-format lines of the app subnet, incl. a port scan and NODATA/SKIPDATA records. */
  defaultV2: string[];
}

export const CUSTOM_V5_FIELDS = [
  'version',
  'vpc-id',
  'subnet-id',
  'instance-id',
  'interface-id',
  'account-id',
  'type',
  'srcaddr',
  'dstaddr',
  'srcport',
  'dstport',
  'pkt-srcaddr',
  'pkt-dstaddr',
  'protocol',
  'bytes',
  'packets',
  'start',
  'end',
  'action',
  'tcp-flags',
  'log-status',
  'flow-direction',
  'traffic-path',
  'region',
  'az-id',
  'pkt-src-aws-service',
  'pkt-dst-aws-service',
  'sublocation-type',
  'sublocation-id',
] as const;

type CustomField = (typeof CUSTOM_V5_FIELDS)[number];

const TCP = 6;
const UDP = 17;
const WEB_ENI = 'eni-0f1e2d3c4b5a69788';
const APP_ENI = 'eni-0d2e3f4a5b6c7d8e9';
const JUMP_ENI = 'eni-0c3d4e5f6a7b8c9d0';
const NAT_ENI = 'eni-0e4f5a6b7c8d9e0f1';
const CLIENTS = [
  '192.0.2.31',
  '192.0.2.58',
  '198.51.100.73',
  '198.51.100.141',
  '203.0.113.9',
  '203.0.113.164',
];
const AWS_ENDPOINTS = ['52.216.114.61', '52.94.233.128', '3.5.29.190', '54.231.160.82'];

interface Flow {
  eni: string;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  protocol: number;
  packets: number;
  bytes: number;
  /** epoch seconds */
  start: number;
  action: 'ACCEPT' | 'REJECT';
}

function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}

function defaultLine(flow: Flow): string {
  return [
    2,
    PROD,
    flow.eni,
    flow.src,
    flow.dst,
    flow.srcPort,
    flow.dstPort,
    flow.protocol,
    flow.packets,
    flow.bytes,
    flow.start,
    flow.start + 60,
    flow.action,
    'OK',
  ].join(' ');
}

function statusLine(eni: string, start: number, status: 'NODATA' | 'SKIPDATA'): string {
  return [2, PROD, eni, '-', '-', '-', '-', '-', '-', '-', start, start + 60, '-', status].join(' ');
}

/** Normal traffic of one interface: web clients in, replies from AWS endpoints, DNS. */
function routine(
  random: SeededRandom,
  eni: string,
  host: string,
  from: number,
  to: number,
  count: number,
): Flow[] {
  const flows: Flow[] = [];
  for (let i = 0; i < count; i += 1) {
    const start = seconds(from + ((to - from) * i) / count) + random.int(0, 5);
    const kind = random.weighted<string>([
      [5, 'https-in'],
      [3, 'aws-out'],
      [1, 'dns'],
      [1, 'noise'],
    ]);
    if (kind === 'https-in') {
      const packets = random.int(6, 40);
      flows.push({
        eni,
        src: random.pick(CLIENTS),
        dst: host,
        srcPort: random.int(32768, 61000),
        dstPort: 443,
        protocol: TCP,
        packets,
        bytes: packets * random.int(200, 1400),
        start,
        action: 'ACCEPT',
      });
    } else if (kind === 'aws-out') {
      const packets = random.int(4, 30);
      flows.push({
        eni,
        src: random.pick(AWS_ENDPOINTS),
        dst: host,
        srcPort: 443,
        dstPort: random.int(32768, 61000),
        protocol: TCP,
        packets,
        bytes: packets * random.int(300, 1500),
        start,
        action: 'ACCEPT',
      });
    } else if (kind === 'dns') {
      flows.push({
        eni,
        src: host,
        dst: '10.0.0.2',
        srcPort: random.int(32768, 61000),
        dstPort: 53,
        protocol: UDP,
        packets: 2,
        bytes: 142,
        start,
        action: 'ACCEPT',
      });
    } else {
      // Internet background noise on closed ports, rejected by the security group.
      flows.push({
        eni,
        src: `192.0.2.${random.int(100, 250)}`,
        dst: host,
        srcPort: random.int(1024, 65535),
        dstPort: random.pick([23, 445, 1433, 8080]),
        protocol: TCP,
        packets: 1,
        bytes: 40,
        start,
        action: 'REJECT',
      });
    }
  }
  return flows;
}

function byStart(flows: Flow[]): Flow[] {
  return flows.sort((a, b) => a.start - b.start);
}

export function sampleFlowLogs(random: SeededRandom): FlowLogSamples {
  return {
    cloudWatchLogs: webServerEvents(random),
    customV5: jumpHostLines(random),
    defaultV2: appSubnetLines(random),
  };
}

/** The web server: routine HTTPS, and the attacker's SSH session that GuardDuty's brute-force finding foretold. */
function webServerEvents(random: SeededRandom): { timestamp: number; message: string }[] {
  const flows = routine(random, WEB_ENI, WEB_INSTANCE.privateIp, at(11, 1), at(11, 3), 60);
  flows.push({
    eni: WEB_ENI,
    src: ATTACKER_IP,
    dst: WEB_INSTANCE.privateIp,
    srcPort: 40122,
    dstPort: 22,
    protocol: TCP,
    packets: 214,
    bytes: 48_391,
    start: seconds(at(11, 1, 20)),
    action: 'ACCEPT',
  });
  return byStart(flows).map((flow) => ({ timestamp: flow.start * 1000, message: defaultLine(flow) }));
}

/** The Windows jump host (RDP from the internet and from the VPN range) and the NAT gateway, in the custom v5 format. */
function jumpHostLines(random: SeededRandom): string[] {
  const jumpHost = '10.0.3.40';
  const rows: Record<CustomField, string | number>[] = [];
  const row = (flow: Flow, extra: Partial<Record<CustomField, string | number>>): void => {
    const ingress = flow.dst.startsWith('10.');
    rows.push({
      version: 5,
      'vpc-id': 'vpc-0a1b2c3d4e5f6a7b8',
      'subnet-id': flow.eni === NAT_ENI ? 'subnet-0b1c2d3e4f5a6b7c8' : 'subnet-0c2d3e4f5a6b7c8d9',
      'instance-id': flow.eni === JUMP_ENI ? 'i-0a9f8e7d6c5b4a392' : '-',
      'interface-id': flow.eni,
      'account-id': PROD,
      type: 'IPv4',
      srcaddr: flow.src,
      dstaddr: flow.dst,
      srcport: flow.srcPort,
      dstport: flow.dstPort,
      'pkt-srcaddr': flow.src,
      'pkt-dstaddr': flow.dst,
      protocol: flow.protocol,
      bytes: flow.bytes,
      packets: flow.packets,
      start: flow.start,
      end: flow.start + 60,
      action: flow.action,
      'tcp-flags': flow.protocol === TCP ? (flow.action === 'ACCEPT' ? 19 : 2) : 0,
      'log-status': 'OK',
      'flow-direction': ingress ? 'ingress' : 'egress',
      'traffic-path': ingress ? '-' : 8,
      region: 'us-east-1',
      'az-id': 'use1-az2',
      'pkt-src-aws-service': '-',
      'pkt-dst-aws-service': '-',
      'sublocation-type': '-',
      'sublocation-id': '-',
      ...extra,
    });
  };
  for (const flow of routine(random, JUMP_ENI, jumpHost, at(11, 1), at(11, 4), 50)) row(flow, {});
  // RDP accepted from an internet address (the story) and from the VPN range (fine).
  row(
    {
      eni: JUMP_ENI,
      src: '192.0.2.10',
      dst: jumpHost,
      srcPort: 50211,
      dstPort: 3389,
      protocol: TCP,
      packets: 1_320,
      bytes: 402_118,
      start: seconds(at(11, 2, 14)),
      action: 'ACCEPT',
    },
    {},
  );
  row(
    {
      eni: JUMP_ENI,
      src: '10.8.0.12',
      dst: jumpHost,
      srcPort: 61002,
      dstPort: 3389,
      protocol: TCP,
      packets: 880,
      bytes: 250_331,
      start: seconds(at(11, 2, 40)),
      action: 'ACCEPT',
    },
    {},
  );
  // NAT gateway: private hosts reaching S3 and the internet; pkt-* fields show the original addresses.
  for (let i = 0; i < 40; i += 1) {
    const start = seconds(at(11, 1) + i * 4_500) + random.int(0, 4);
    const toS3 = random.chance(0.5);
    const dst = toS3
      ? random.pick(['52.216.114.61', '3.5.29.190'])
      : random.pick(['140.82.112.3', '151.101.1.69']);
    const packets = random.int(10, 90);
    row(
      {
        eni: NAT_ENI,
        src: '10.0.0.74',
        dst,
        srcPort: random.int(1024, 65535),
        dstPort: 443,
        protocol: TCP,
        packets,
        bytes: packets * 900,
        start,
        action: 'ACCEPT',
      },
      {
        'pkt-srcaddr': `10.0.1.${random.int(10, 250)}`,
        'pkt-dst-aws-service': toS3 ? 'S3' : '-',
        'flow-direction': 'egress',
        'traffic-path': 8,
      },
    );
  }
  rows.sort((a, b) => Number(a.start) - Number(b.start));
  return [
    CUSTOM_V5_FIELDS.join(' '),
    ...rows.map((r) => CUSTOM_V5_FIELDS.map((field) => r[field]).join(' ')),
  ];
}

/** The app subnet: a port scan of 10.0.2.14, SSH from inside, an idle interface and a capture error. */
function appSubnetLines(random: SeededRandom): string[] {
  const appHost = '10.0.2.14';
  const flows = routine(random, APP_ENI, appHost, at(11, 1), at(11, 6), 110);
  // 198.51.100.200 probes 30 ports of one host within a minute: only 80 and 443 answer.
  const scanned = [
    21, 22, 23, 25, 53, 80, 110, 111, 135, 139, 143, 443, 445, 993, 995, 1433, 1521, 1723, 2049, 3306, 3389,
    5432, 5900, 6379, 8000, 8080, 8443, 9000, 9200, 27017,
  ];
  scanned.forEach((port, index) => {
    const open = port === 80 || port === 443;
    flows.push({
      eni: APP_ENI,
      src: '198.51.100.200',
      dst: appHost,
      srcPort: 61000 + index,
      dstPort: port,
      protocol: TCP,
      packets: open ? 3 : 1,
      bytes: open ? 180 : 44,
      start: seconds(at(11, 4, 3)) + index,
      action: open ? 'ACCEPT' : 'REJECT',
    });
  });
  // SSH from the bastion and from carrier-grade NAT space: private, not the internet.
  flows.push({
    eni: APP_ENI,
    src: '10.0.0.5',
    dst: appHost,
    srcPort: 52814,
    dstPort: 22,
    protocol: TCP,
    packets: 96,
    bytes: 18_204,
    start: seconds(at(11, 3, 11)),
    action: 'ACCEPT',
  });
  flows.push({
    eni: APP_ENI,
    src: '100.64.12.7',
    dst: appHost,
    srcPort: 49811,
    dstPort: 22,
    protocol: TCP,
    packets: 40,
    bytes: 7_902,
    start: seconds(at(11, 5, 2)),
    action: 'ACCEPT',
  });
  const lines = byStart(flows).map(defaultLine);
  // An interface with no traffic in its capture window, and one whose records were skipped.
  lines.splice(20, 0, statusLine('eni-0a7b8c9d0e1f2a3b4', seconds(at(11, 2)), 'NODATA'));
  lines.splice(70, 0, statusLine('eni-0a7b8c9d0e1f2a3b4', seconds(at(11, 4)), 'SKIPDATA'));
  return lines;
}

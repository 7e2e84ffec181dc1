import { scannerAddress } from './corpus-cloudtrail.js';
import type { Account, Instance, Org, Vpc } from './corpus-org.js';
import type { SeededRandom } from './random.js';
import { CUSTOM_V5_FIELDS } from './sample-flowlogs.js';

/** One flow record before formatting: what both the v2 and the v5 line carry. */
export interface Flow {
  account: Account;
  vpc: Vpc;
  instance: Instance;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  protocol: number;
  packets: number;
  bytes: number;
  /** Epoch seconds. */
  start: number;
  action: 'ACCEPT' | 'REJECT';
  direction: 'ingress' | 'egress';
}

export const V2_HEADER =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
export const V5_HEADER = CUSTOM_V5_FIELDS.join(' ');

const TCP = 6;
const AZ_IDS: Readonly<Record<string, string>> = {
  'us-east-1': 'use1-az1',
  'us-west-2': 'usw2-az1',
  'eu-west-1': 'euw1-az1',
};
const AWS_ENDPOINTS = ['52.216.114.61', '52.94.233.128', '3.5.29.190', '54.231.160.82'];
/** Ports internet scanners knock on; background noise touches one of them, never 25. */
const NOISE_PORTS = [22, 23, 445, 1433, 3389, 5900, 6379, 8080, 9200];

/**
 * One background flow at `time` (epoch ms): web clients in and the web servers' replies (service port
 * < 1024, so never a probe), app → database, instances → AWS endpoints and back, and internet noise that
 * the security groups REJECT. East-west flows are logged one way only: the port-scan detection counts a
 * database's replies to many ephemeral ports as probes (reported in the benchmark notes).
 *
 *   const flow = backgroundFlow(random, org, time); formatFlow(flow)
 */
export function backgroundFlow(random: SeededRandom, org: Org, time: number): Flow {
  const account = org.accounts[random.weighted(org.accountWeights)] as Account;
  const vpc = random.pick(account.vpcs);
  const start = Math.floor(time / 1000);
  const kind = random.weighted<string>([
    [35, 'web-in'],
    [30, 'web-reply'],
    [15, 'east-west'],
    [8, 'aws-out'],
    [7, 'aws-reply'],
    [5, 'noise'],
  ]);
  const client = `${random.int(1, 223)}.${random.int(256)}.${random.int(256)}.${random.int(1, 255)}`;
  const ephemeral = random.int(32768, 61000);
  const web = vpc.instances[random.int(2)] as Instance;
  const base = {
    account,
    vpc,
    protocol: TCP,
    start,
    packets: random.int(4, 60),
    bytes: random.int(400, 90_000),
  };
  switch (kind) {
    case 'web-in':
      return {
        ...base,
        instance: web,
        src: client,
        dst: web.privateIp,
        srcPort: ephemeral,
        dstPort: 443,
        action: 'ACCEPT',
        direction: 'ingress',
      };
    case 'web-reply':
      return {
        ...base,
        instance: web,
        src: web.privateIp,
        dst: client,
        srcPort: 443,
        dstPort: ephemeral,
        action: 'ACCEPT',
        direction: 'egress',
      };
    case 'east-west': {
      const app = vpc.instances[2 + random.int(3)] as Instance;
      const db = vpc.instances[5] as Instance;
      return {
        ...base,
        instance: app,
        src: app.privateIp,
        dst: db.privateIp,
        srcPort: ephemeral,
        dstPort: 5432,
        action: 'ACCEPT',
        direction: 'egress',
      };
    }
    case 'aws-out':
    case 'aws-reply': {
      const instance = random.pick(vpc.instances);
      const endpoint = random.pick(AWS_ENDPOINTS);
      return kind === 'aws-out'
        ? {
            ...base,
            instance,
            src: instance.privateIp,
            dst: endpoint,
            srcPort: ephemeral,
            dstPort: 443,
            action: 'ACCEPT',
            direction: 'egress',
          }
        : {
            ...base,
            instance,
            src: endpoint,
            dst: instance.privateIp,
            srcPort: 443,
            dstPort: ephemeral,
            action: 'ACCEPT',
            direction: 'ingress',
          };
    }
    default:
      return {
        ...base,
        instance: web,
        src: scannerAddress(random),
        dst: web.privateIp,
        srcPort: ephemeral,
        dstPort: random.pick(NOISE_PORTS),
        packets: 1,
        bytes: 40,
        action: 'REJECT',
        direction: 'ingress',
      };
  }
}

/** The flow as a line of its VPC's format (the header of the file or the CloudWatch Logs stream says which). */
export function formatFlow(flow: Flow): string {
  const end = flow.start + 60;
  if (flow.vpc.format === 'v2') {
    return `2 ${flow.account.id} ${flow.instance.eni} ${flow.src} ${flow.dst} ${flow.srcPort} ${flow.dstPort} ${flow.protocol} ${flow.packets} ${flow.bytes} ${flow.start} ${end} ${flow.action} OK`;
  }
  const fields: Record<(typeof CUSTOM_V5_FIELDS)[number], string | number> = {
    version: 5,
    'vpc-id': flow.vpc.id,
    'subnet-id': flow.vpc.subnetId,
    'instance-id': flow.instance.id,
    'interface-id': flow.instance.eni,
    'account-id': flow.account.id,
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
    end,
    action: flow.action,
    'tcp-flags': flow.action === 'REJECT' ? 2 : 19,
    'log-status': 'OK',
    'flow-direction': flow.direction,
    'traffic-path': flow.direction === 'egress' ? 1 : '-',
    region: flow.vpc.region,
    'az-id': AZ_IDS[flow.vpc.region] ?? '-',
    'pkt-src-aws-service': AWS_ENDPOINTS.includes(flow.src) ? 'S3' : '-',
    'pkt-dst-aws-service': AWS_ENDPOINTS.includes(flow.dst) ? 'S3' : '-',
    'sublocation-type': '-',
    'sublocation-id': '-',
  };
  return CUSTOM_V5_FIELDS.map((name) => fields[name]).join(' ');
}

import type { JsonObject } from '../../schemas/types.js';
import type { Identity } from '../generate/cloudtrail-records.js';
import { SeededRandom } from '../generate/random.js';
import {
  call,
  flowLine,
  guardDutyFinding,
  instanceSession,
  noDataLine,
  roleSession,
  signIn,
  user,
} from './records.js';

/** One record of the scenario, as its source delivers it: CloudTrail and GuardDuty as JSON, flow logs as a line. */
export type ScenarioRecord =
  | { time: number; source: 'cloudtrail' | 'guardduty'; record: JsonObject }
  | { time: number; source: 'flowlog'; record: string };

export interface ScenarioOptions {
  /** Epoch ms of the first story's start (histories reach back up to 26 hours before it). */
  start: number;
  /** Stories per correlation, each with its own principals, instances, buckets and interfaces. */
  stories: number;
  /** Time between two stories of one correlation. */
  spacingMs: number;
  /** Background records between and around the stories. */
  background: number;
  seed?: number;
  /** Only these correlations' stories (default: all). */
  only?: readonly string[];
}

/** The threat list of the scenario (the `cidrs` param of flowlog-threat-list-traffic). */
export const SCENARIO_THREATS = ['45.155.205.0/24'];
/** Background principals call from these public (non-AWS) addresses. */
const OFFICE = '81.2.69.160';
const NAT = '52.95.110.1';
const OTHER_AWS = '3.5.140.2';
const ATTACKER = '185.220.101.4';
const HOUR = 3_600_000;
const MINUTE = 60_000;

/**
 * The correlation scenario: for each of the 16 correlations, `stories` attacks that it must find, told with
 * real-shaped records, over a background of routine CloudTrail calls, GuardDuty-free noise and flow records
 * (with NODATA heartbeats, so only the planted silence is a delivery gap). Deterministic for a seed; sorted by
 * event time. Used by the determinism tests, the ingest/detect run on the emulators and the benchmark.
 *
 *   const records = correlationScenario({ start, stories: 3, spacingMs: hours(2), background: 3000 });
 */
export function correlationScenario(options: ScenarioOptions): ScenarioRecord[] {
  const random = new SeededRandom(options.seed ?? 11);
  const records: ScenarioRecord[] = [];
  const ct = (record: JsonObject): void => {
    records.push({ time: Date.parse(String(record.eventTime)), source: 'cloudtrail', record });
  };
  const gd = (record: JsonObject): void => {
    records.push({ time: Date.parse(String(record.updatedAt)), source: 'guardduty', record });
  };
  const flow = (time: number, line: string): void => {
    records.push({ time, source: 'flowlog', record: line });
  };
  const wanted = (id: string) => !options.only || options.only.includes(id);
  const end = options.start + options.stories * options.spacingMs;

  for (let s = 0; s < options.stories; s += 1) {
    const base = options.start + s * options.spacingMs;
    const id = (name: string) => `${name}-${s}`;
    const account = `1111${String(s % 100).padStart(8, '0')}`;
    const minute = (n: number, second = 0) => base + n * MINUTE + second * 1000;

    if (wanted('iam-user-backdoor-chain')) {
      const actor = user(account, `admin-${s}`, OFFICE);
      const target = `svc-${s}`;
      ct(
        call({
          id: id('bd-create'),
          account,
          time: minute(1),
          identity: actor,
          call: 'iam:CreateUser',
          request: { userName: target },
        }),
      );
      ct(
        call({
          id: id('bd-key'),
          account,
          time: minute(4),
          identity: actor,
          call: 'iam:CreateAccessKey',
          request: { userName: target },
        }),
      );
      ct(
        call({
          id: id('bd-attach'),
          account,
          time: minute(9),
          identity: actor,
          call: 'iam:AttachUserPolicy',
          request: { userName: target, policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
        }),
      );
    }
    if (wanted('ec2-user-data-swap')) {
      const ops = user(account, `ops-${s}`, OFFICE);
      const instance = `i-0${s.toString(16).padStart(16, 'a')}`;
      const set = { instancesSet: { items: [{ instanceId: instance }] } };
      ct(
        call({
          id: id('ud-stop'),
          account,
          time: minute(2),
          identity: ops,
          call: 'ec2:StopInstances',
          request: set,
        }),
      );
      ct(
        call({
          id: id('ud-modify'),
          account,
          time: minute(5),
          identity: ops,
          call: 'ec2:ModifyInstanceAttribute',
          request: { instanceId: instance, userData: '<sensitiveDataRemoved>' },
        }),
      );
      ct(
        call({
          id: id('ud-start'),
          account,
          time: minute(6),
          identity: ops,
          call: 'ec2:StartInstances',
          request: set,
        }),
      );
    }
    if (wanted('s3-bucket-exposed-after-block-removed')) {
      const who = user(account, `web-${s}`, OFFICE);
      const bucket = `exports-${s}`;
      ct(
        call({
          id: id('s3-pab'),
          account,
          time: minute(3),
          identity: who,
          call: 's3:DeleteBucketPublicAccessBlock',
          request: { bucketName: bucket },
        }),
      );
      ct(
        call({
          id: id('s3-policy'),
          account,
          time: minute(7),
          identity: who,
          call: 's3:PutBucketPolicy',
          request: {
            bucketName: bucket,
            bucketPolicy: {
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: '*',
                  Action: 's3:GetObject',
                  Resource: `arn:aws:s3:::${bucket}/*`,
                },
              ],
            },
          },
        }),
      );
    }
    if (wanted('signin-no-mfa-session-security-changes')) {
      const name = `temp-${s}`;
      ct(
        signIn({
          id: id('nm-login'),
          account,
          time: minute(4),
          identity: user(account, name, ATTACKER),
          mfa: false,
        }),
      );
      const session = user(account, name, ATTACKER, { console: true, mfa: false, sessionStart: minute(4) });
      ct(
        call({
          id: id('nm-key'),
          account,
          time: minute(10),
          identity: session,
          call: 'iam:CreateAccessKey',
          request: { userName: name },
          console: true,
        }),
      );
    }
    if (wanted('discovery-api-enumeration')) {
      const session = roleSession(
        account,
        'ci-deployer',
        `botocore-${s}`,
        ATTACKER,
        `ASIAQX7L2M4NEN${String(s).padStart(6, '0')}`,
      );
      for (const [index, api] of ENUMERATED.entries()) {
        ct(
          call({
            id: id(`en-${index}`),
            account,
            time: minute(20, index * 12),
            identity: session,
            call: api,
          }),
        );
      }
    }
    if (wanted('access-denied-then-succeeded')) {
      const dev = user(account, `dev-${s}`, OFFICE);
      const request = { userName: `dev-${s}`, policyArn: 'arn:aws:iam::aws:policy/PowerUserAccess' };
      ct(
        call({
          id: id('ds-denied'),
          account,
          time: minute(5),
          identity: dev,
          call: 'iam:AttachUserPolicy',
          request,
          error: 'AccessDenied',
        }),
      );
      ct(
        call({
          id: id('ds-allowed'),
          account,
          time: minute(17),
          identity: dev,
          call: 'iam:AttachUserPolicy',
          request,
        }),
      );
    }
    if (wanted('ec2-instance-credentials-new-origin')) {
      const instance = `i-0${s.toString(16).padStart(16, 'b')}`;
      const from = (ip: string) => instanceSession(account, 'web-app', instance, ip);
      ct(
        call({
          id: id('ic-own'),
          account,
          time: minute(1),
          identity: from(NAT),
          call: 's3:GetObject',
          request: { bucketName: 'assets', key: 'a.css' },
        }),
      );
      ct(
        call({
          id: id('ic-own-2'),
          account,
          time: minute(8),
          identity: from(NAT),
          call: 's3:GetObject',
          request: { bucketName: 'assets', key: 'b.css' },
        }),
      );
      ct(
        call({
          id: id('ic-outside'),
          account,
          time: minute(25),
          identity: from(ATTACKER),
          call: 'sts:GetCallerIdentity',
        }),
      );
      ct(
        call({
          id: id('ic-inside'),
          account,
          time: minute(28),
          identity: from(OTHER_AWS),
          call: 'iam:ListRoles',
        }),
      );
    }
    if (wanted('mass-destruction-by-principal')) {
      const wiper = user(account, `wiper-${s}`, ATTACKER);
      for (let k = 0; k < 8; k += 1)
        ct(
          call({
            id: id(`md-obj-${k}`),
            account,
            time: minute(30, k * 15),
            identity: wiper,
            call: 's3:DeleteObject',
            readOnly: false,
            request: { bucketName: `finance-${s}`, key: `r/${k}.csv` },
          }),
        );
      for (let k = 0; k < 3; k += 1)
        ct(
          call({
            id: id(`md-kms-${k}`),
            account,
            time: minute(33, k * 10),
            identity: wiper,
            call: 'kms:ScheduleKeyDeletion',
            request: { keyId: `key-${s}-${k}` },
          }),
        );
    }
    if (wanted('signin-new-country-or-network')) {
      const name = `traveller-${s}`;
      ct(
        signIn({
          id: id('nc-home'),
          account,
          time: minute(-120),
          identity: user(account, name, OFFICE),
          mfa: true,
        }),
      );
      ct(
        signIn({
          id: id('nc-abroad'),
          account,
          time: minute(35),
          identity: user(account, name, ATTACKER),
          mfa: true,
        }),
      );
    }
    if (wanted('account-new-region-used')) {
      const ops = user(account, `regional-${s}`, OFFICE);
      const run = (name: string, time: number, region: string) =>
        ct(
          call({
            id: id(name),
            account,
            time,
            region,
            identity: ops,
            call: 'ec2:CreateKeyPair',
            readOnly: false,
            request: { keyName: name },
          }),
        );
      run('nr-home', base - 26 * HOUR, 'us-east-1');
      run('nr-new', minute(40), 'ap-southeast-3');
    }
    if (wanted('guardduty-findings-by-family')) {
      const resource = { instance: `i-0${s.toString(16).padStart(16, 'c')}` };
      gd(
        guardDutyFinding({
          id: id('gd-btc'),
          account,
          time: minute(12),
          type: 'CryptoCurrency:EC2/BitcoinTool.B!DNS',
          severity: 8,
          resource,
        }),
      );
      gd(
        guardDutyFinding({
          id: id('gd-btc-ip'),
          account,
          time: minute(18),
          type: 'CryptoCurrency:EC2/BitcoinTool.B',
          severity: 8,
          resource,
          count: 4,
        }),
      );
    }
    if (wanted('guardduty-finding-then-principal-activity')) {
      const flagged = user(account, `flagged-${s}`, ATTACKER);
      const principalId = String(flagged.userIdentity.principalId);
      gd(
        guardDutyFinding({
          id: id('gp-finding'),
          account,
          time: minute(14),
          type: 'UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom',
          severity: 5,
          resource: {
            accessKey: String(flagged.userIdentity.accessKeyId),
            userName: `flagged-${s}`,
            userType: 'IAMUser',
            principalId,
          },
        }),
      );
      ct(
        call({
          id: id('gp-change'),
          account,
          time: minute(21),
          identity: flagged,
          call: 'iam:CreateLoginProfile',
          request: { userName: `flagged-${s}` },
        }),
      );
    }
    const eni = (name: string) => `eni-0${name}${s.toString(16).padStart(15, '0')}`;
    // A live interface reports every 10-minute interval (NODATA when idle) until the end: only the planted one falls silent.
    const alive = (name: string, from: number) => {
      for (let time = from; time < end + HOUR; time += 10 * MINUTE)
        flow(time, noDataLine({ account, time, eni: eni(name) }));
    };
    if (wanted('flowlog-eni-egress-above-baseline')) {
      const sender = eni('e');
      alive('e', base - 8 * HOUR);
      for (let h = -7; h < 0; h += 1)
        flow(
          base + h * HOUR + 5 * MINUTE,
          flowLine({
            account,
            time: base + h * HOUR + 5 * MINUTE,
            eni: sender,
            src: '10.1.0.5',
            dst: '8.8.8.8',
            bytes: 30_000_000,
          }),
        );
      for (const [k, bytes] of [900_000_000, 600_000_000].entries())
        flow(
          minute(40 + k),
          flowLine({
            account,
            time: minute(40 + k),
            eni: sender,
            src: '10.1.0.5',
            dst: '34.117.59.81',
            bytes,
          }),
        );
    }
    if (wanted('flowlog-threat-list-traffic')) {
      const talker = eni('f');
      alive('f', base);
      flow(
        minute(15),
        flowLine({
          account,
          time: minute(15),
          eni: talker,
          src: '10.1.0.6',
          dst: '45.155.205.233',
          dstPort: 4444,
          bytes: 48_000,
        }),
      );
      flow(
        minute(15),
        flowLine({
          account,
          time: minute(15),
          eni: talker,
          src: '45.155.205.233',
          dst: '10.1.0.6',
          srcPort: 4444,
          dstPort: 51000,
          bytes: 7_000,
        }),
      );
    }
    if (wanted('flowlog-rejected-connection-spike')) {
      const source = `10.9.${s % 250}.99`;
      alive('a', base);
      for (let k = 0; k < 220; k += 1)
        flow(
          minute(46, k % 60),
          flowLine({
            account,
            time: minute(46, k % 60),
            eni: eni('a'),
            src: source,
            dst: `10.1.0.${10 + (k % 5)}`,
            srcPort: 40000 + k,
            dstPort: 22,
            bytes: 60,
            action: 'REJECT',
          }),
        );
    }
    if (wanted('flowlog-delivery-gap')) {
      const silent = eni('d');
      for (let k = 0; k < 6; k += 1)
        flow(minute(k * 5), noDataLine({ account, time: minute(k * 5), eni: silent }));
    }
  }
  background(records, random, options.start - 26 * HOUR, end + HOUR, options.background);
  return records.sort((a, b) => a.time - b.time);
}

/** 22 List/Describe/Get APIs of 10 services: an enumeration tool's first minutes. */
const ENUMERATED = [
  'iam:ListUsers',
  'iam:ListRoles',
  'iam:ListPolicies',
  'iam:GetAccountAuthorizationDetails',
  'iam:ListGroups',
  'ec2:DescribeInstances',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeVpcs',
  'ec2:DescribeSnapshots',
  'ec2:DescribeImages',
  's3:ListBuckets',
  's3:GetBucketPolicy',
  's3:GetBucketAcl',
  'lambda:ListFunctions',
  'lambda:GetFunction',
  'rds:DescribeDBInstances',
  'rds:DescribeDBSnapshots',
  'secretsmanager:ListSecrets',
  'kms:ListKeys',
  'sns:ListTopics',
  'sqs:ListQueues',
  'dynamodb:ListTables',
];

/** Routine reads and writes from a few workloads (a handful of APIs each), and flow records of busy interfaces. */
const ROUTINE = [
  's3:GetObject',
  'dynamodb:GetItem',
  'sqs:ReceiveMessage',
  'ec2:DescribeInstances',
  'logs:PutLogEvents',
  'ssm:GetParameter',
];
const BACKGROUND_ENIS = ['eni-0bb000000000000001', 'eni-0bb000000000000002', 'eni-0bb000000000000003'];

function background(
  records: ScenarioRecord[],
  random: SeededRandom,
  from: number,
  to: number,
  count: number,
): void {
  const workloads: Identity[] = Array.from({ length: 12 }, (_, index) =>
    roleSession(
      '999900001111',
      `app-${index}`,
      `app-${index}`,
      OFFICE,
      `ASIAQX7L2M4NBG${String(index).padStart(6, '0')}`,
    ),
  );
  // Heartbeats: every background interface reports every 5 minutes (NODATA when idle).
  for (let time = from; count > 0 && time < to; time += 5 * MINUTE)
    for (const eni of BACKGROUND_ENIS)
      records.push({ time, source: 'flowlog', record: noDataLine({ time, eni, account: '999900001111' }) });
  for (let n = 0; n < count; n += 1) {
    const time = from + Math.floor(random.next() * (to - from));
    if (random.chance(0.6)) {
      const api = random.pick(ROUTINE);
      records.push({
        time,
        source: 'cloudtrail',
        record: call({
          id: `bg-${n}`,
          account: '999900001111',
          time,
          identity: random.pick(workloads),
          call: api,
          readOnly: !api.startsWith('logs:'),
        }),
      });
    } else {
      const line = flowLine({
        account: '999900001111',
        time,
        eni: random.pick(BACKGROUND_ENIS),
        src: `10.2.0.${random.int(2, 250)}`,
        dst: `10.2.1.${random.int(2, 250)}`,
        dstPort: random.pick([443, 5432, 6379]),
        bytes: random.int(100, 50_000),
      });
      records.push({ time, source: 'flowlog', record: line });
    }
  }
}

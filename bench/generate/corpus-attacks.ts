import type { JsonObject } from '../../schemas/types.js';
import {
  apiCall,
  authorizeIngress,
  type CloudTrailRecord,
  CONSOLE_AGENT,
  consoleLogin,
  type Identity,
  rootIdentity,
} from './cloudtrail-records.js';
import { launch, userName } from './corpus-cloudtrail.js';
import type { Flow } from './corpus-flows.js';
import { guardDutyFinding } from './corpus-guardduty.js';
import { type Account, FORBIDDEN_REGION, type Instance, type Org, type Vpc } from './corpus-org.js';
import type { SeededRandom } from './random.js';
import { signInIdentity } from './sample-actors.js';

/**
 * Ground truth: detection `detection` must report key `key` (the finding's dedupKey) with a finding time
 * (its trigger event's time) within [from, to].
 */
export interface Label {
  scenario: string;
  detection: string;
  key: string;
  from: number;
  to: number;
}

/** What one round of attacks adds to the corpus. */
export interface AttackRound {
  cloudtrail: CloudTrailRecord[];
  flows: Flow[];
  guardduty: JsonObject[];
  labels: Label[];
}

const MINUTE = 60_000;
/** A round of every scenario takes an hour of event time. */
export const ROUND_MS = 60 * MINUTE;
const ADMIN_POLICY = 'arn:aws:iam::aws:policy/AdministratorAccess';
const BURST_TYPES = [
  'c6i.8xlarge',
  'm6i.12xlarge',
  'r6i.16xlarge',
  'c7g.8xlarge',
  'm7g.16xlarge',
  'c6i.24xlarge',
  'r6i.8xlarge',
];

/**
 * One round of injected attacks, starting at `start` (event time), each scenario in its own account
 * (rotating with `round`) and minute of the hour, with the findings it must produce as labels. Attacker
 * addresses come from ranges the background never uses.
 *
 *   const { cloudtrail, flows, guardduty, labels } = attackRound(random, org, start, 0);
 */
export function attackRound(random: SeededRandom, org: Org, start: number, round: number): AttackRound {
  const out: AttackRound = { cloudtrail: [], flows: [], guardduty: [], labels: [] };
  const accountFor = (scenario: number) =>
    org.accounts[(round * 7 + scenario) % org.accounts.length] as Account;
  const attacker = (scenario: number) => `185.220.${100 + scenario}.${(round % 250) + 1}`;
  const label = (scenario: string, detection: string, key: string, from: number, to = from) =>
    out.labels.push({ scenario, detection, key, from, to });
  const at = (minute: number, second = 0) => start + minute * MINUTE + second * 1000;
  const aligned = (time: number, size: number) => time - (time % size) + size;

  // 1. More than five large instances in one account within one 5-minute window.
  {
    const account = accountFor(1);
    const window = aligned(at(5), 5 * MINUTE);
    const identity = account.principals[0] as Identity;
    BURST_TYPES.forEach((type, n) => {
      out.cloudtrail.push(launch(random, account, 'us-east-1', identity, window + 20_000 + n * 30_000, type));
    });
    label('large-instance-burst', 'ec2-large-instance-burst', account.id, window, window + 5 * MINUTE - 1);
  }
  // Flow attacks hit a version 2 VPC: the cwl variant carries only those (no header in a subscription).
  const v2Vpc = (account: Account) => account.vpcs.find((vpc) => vpc.format === 'v2') as Vpc;
  // 2. A port scan of a web server: 40 ports within one minute, mostly rejected.
  {
    const account = accountFor(2);
    const vpc = v2Vpc(account);
    const web = vpc.instances[0] as Instance;
    const minute = aligned(at(8), MINUTE);
    const ip = attacker(2);
    for (let n = 0; n < 40; n += 1) {
      const port = n === 0 ? 443 : 20 + n * 37;
      out.flows.push(
        flow(
          account,
          vpc,
          web,
          ip,
          web.privateIp,
          40_000 + n,
          port,
          minute + 2000 + n * 1200,
          port === 443 ? 'ACCEPT' : 'REJECT',
        ),
      );
    }
    label('port-scan', 'flowlog-port-scan', `${account.id}/${ip}`, minute, minute + MINUTE - 1);
  }
  // 3. Password spraying: one address fails as 14 users within 4 minutes.
  {
    const account = accountFor(3);
    const ip = attacker(3);
    const first = at(12);
    for (let n = 0; n < 14; n += 1) {
      const name = userName(account.principals[n % account.principals.length] as Identity);
      out.cloudtrail.push(failedLogin(random, account, `${name}-${n}`, ip, first + n * 17_000));
    }
    label('password-spraying', 'signin-password-spraying', ip, first, first + 14 * 17_000);
  }
  // 4. Brute force: 12 failed sign-ins of one user within 6 minutes.
  {
    const account = accountFor(4);
    const ip = attacker(4);
    const name = userName(account.principals[1 % account.principals.length] as Identity);
    const first = at(18);
    for (let n = 0; n < 12; n += 1)
      out.cloudtrail.push(failedLogin(random, account, name, ip, first + n * 30_000));
    label('brute-force', 'signin-console-brute-force', `${account.id}/${name}`, first, first + 12 * 30_000);
  }
  // 5. Root signs in and calls an API.
  {
    const account = accountFor(5);
    const root: Identity = {
      userIdentity: rootIdentity(account.id),
      sourceIp: attacker(5),
      userAgent: CONSOLE_AGENT,
    };
    out.cloudtrail.push(
      consoleLogin(random, { time: at(22), account: account.id, identity: root, success: true, mfa: true }),
    );
    out.cloudtrail.push(
      apiCall(random, {
        time: at(22, 40),
        account: account.id,
        region: 'us-east-1',
        identity: root,
        call: 'iam:GetAccountSummary',
        readOnly: true,
        fromConsole: true,
      }),
    );
    label('root-usage', 'iam-root-account-usage', account.id, at(22), at(22, 40));
  }
  // 6. GuardDuty flags an instance; 15 minutes later its role credentials are used from elsewhere.
  {
    const account = accountFor(6);
    const vpc = account.vpcs[0] as Vpc;
    const instance = vpc.instances[2] as Instance;
    const type = 'Backdoor:EC2/C&CActivity.B';
    out.guardduty.push(
      guardDutyFinding(random, {
        account,
        vpc,
        instance,
        type,
        severity: 8,
        title: 'EC2 instance is querying a C&C server.',
        time: at(25),
        remoteIp: attacker(6),
      }),
    );
    label(
      'instance-compromise',
      'guardduty-high-severity-finding',
      `${account.id}|${instance.id}|${type}`,
      at(25),
    );
    const stolen: Identity = { ...instance.identity, sourceIp: attacker(6), userAgent: 'aws-cli/2.15.30' };
    for (const [second, call] of [
      [0, 's3:ListBuckets'],
      [20, 'iam:ListUsers'],
    ] as const) {
      out.cloudtrail.push(
        apiCall(random, {
          time: at(40, second),
          account: account.id,
          region: vpc.region,
          identity: stolen,
          call,
          readOnly: true,
        }),
      );
    }
    label(
      'instance-compromise',
      'guardduty-instance-compromise-credential-use',
      instance.id,
      at(40),
      at(40, 20),
    );
  }
  // 7. SSH opened to the world on a security group.
  {
    const account = accountFor(7);
    const groupId = `sg-0${random.hex(16)}`;
    out.cloudtrail.push(
      authorizeIngress(random, {
        time: at(28),
        account: account.id,
        region: 'us-east-1',
        identity: account.principals[0] as Identity,
        groupId,
        port: 22,
        cidr: '0.0.0.0/0',
        description: 'temp debug',
      }),
    );
    label('ssh-open-to-world', 'ec2-security-group-open-to-world', `${groupId}:tcp 22:0.0.0.0/0`, at(28));
  }
  // 8. SSH from the internet accepted by a web server.
  {
    const account = accountFor(8);
    const vpc = v2Vpc(account);
    const web = vpc.instances[1] as Instance;
    const ip = attacker(8);
    out.flows.push(flow(account, vpc, web, ip, web.privateIp, 51_515, 22, at(31), 'ACCEPT'));
    label(
      'ssh-from-internet',
      'flowlog-inbound-admin-port-from-internet',
      `${account.id}/${web.privateIp}/22/${ip}`,
      at(31),
    );
  }
  // 9. Persistence: a new IAM user with AdministratorAccess.
  {
    const account = accountFor(9);
    const identity = account.principals[0] as Identity;
    const user = `backdoor-${round}`;
    out.cloudtrail.push(
      apiCall(random, {
        time: at(34),
        account: account.id,
        region: 'us-east-1',
        identity,
        call: 'iam:CreateUser',
        readOnly: false,
        request: { userName: user },
        response: {
          user: {
            path: '/',
            userName: user,
            userId: `AIDA${random.alnum(17)}`,
            arn: `arn:aws:iam::${account.id}:user/${user}`,
            createDate: 'Nov 24, 2026, 10:00:00 AM',
          },
        },
      }),
    );
    out.cloudtrail.push(
      apiCall(random, {
        time: at(34, 30),
        account: account.id,
        region: 'us-east-1',
        identity,
        call: 'iam:AttachUserPolicy',
        readOnly: false,
        request: { userName: user, policyArn: ADMIN_POLICY },
      }),
    );
    label('iam-persistence', 'iam-user-created', `${account.id}:${user}`, at(34));
    label(
      'iam-persistence',
      'iam-admin-policy-granted',
      `${account.id}:user/${user}:${ADMIN_POLICY}`,
      at(34, 30),
    );
  }
  // 10. Defence evasion: logging stopped, GuardDuty detector deleted.
  {
    const account = accountFor(10);
    const identity = account.principals[0] as Identity;
    const trail = `arn:aws:cloudtrail:us-east-1:${account.id}:trail/${account.trailName}`;
    out.cloudtrail.push(
      apiCall(random, {
        time: at(45),
        account: account.id,
        region: 'us-east-1',
        identity,
        call: 'cloudtrail:StopLogging',
        readOnly: false,
        request: { name: trail },
      }),
    );
    out.cloudtrail.push(
      apiCall(random, {
        time: at(46),
        account: account.id,
        region: 'us-east-1',
        identity,
        call: 'guardduty:DeleteDetector',
        readOnly: false,
        request: { detectorId: account.detectorId },
      }),
    );
    label('defence-evasion', 'cloudtrail-logging-tampered', `${account.id}:${account.trailName}`, at(45));
    label(
      'defence-evasion',
      'guardduty-detector-disabled',
      `${account.id}:us-east-1:${account.detectorId}`,
      at(46),
    );
  }
  // 11. A console sign-in without MFA.
  {
    const account = accountFor(11);
    const name = `contractor-${round}`;
    const identity = signInIdentity(account.id, name, '198.51.100.250', false);
    out.cloudtrail.push(
      consoleLogin(random, { time: at(48), account: account.id, identity, success: true, mfa: false }),
    );
    const arn = String((identity.userIdentity as JsonObject).arn);
    label('login-without-mfa', 'signin-console-login-without-mfa', `${account.id}:${arn}`, at(48));
  }
  // 12-14. Launches outside policy: a forbidden region, an unapproved family, missing tags.
  {
    const account = accountFor(12);
    const identity = account.principals[0] as Identity;
    out.cloudtrail.push(launch(random, account, FORBIDDEN_REGION, identity, at(50), 't3.medium'));
    label('launch-policy', 'ec2-instance-forbidden-region', `${account.id}:${FORBIDDEN_REGION}`, at(50));
    out.cloudtrail.push(launch(random, account, 'us-east-1', identity, at(52), 'g5.xlarge'));
    label('launch-policy', 'ec2-instance-unapproved-type', `${account.id}:g5.xlarge`, at(52));
    const untagged = `i-0${random.hex(16)}`;
    out.cloudtrail.push(
      launch(random, account, 'us-east-1', identity, at(54), 'm6i.large', {
        tags: { Name: 'scratch', owner: 'platform' },
        instanceIds: [untagged],
      }),
    );
    label('launch-policy', 'ec2-instance-missing-tags', `${account.id}:${untagged}`, at(54));
  }
  // 15. An instance launched with an instance profile whose role was just given AdministratorAccess.
  {
    const account = accountFor(13);
    const identity = account.principals[0] as Identity;
    const role = `build-runner-${round}`;
    const profile = `${role}-profile`;
    const call = (second: number, name: string, request: JsonObject, response?: JsonObject) =>
      out.cloudtrail.push(
        apiCall(random, {
          time: at(56, second),
          account: account.id,
          region: 'us-east-1',
          identity,
          call: name,
          readOnly: false,
          request,
          ...(response ? { response } : {}),
        }),
      );
    call(
      0,
      'iam:CreateRole',
      { roleName: role },
      {
        role: {
          path: '/',
          roleName: role,
          roleId: `AROA${random.alnum(17)}`,
          arn: `arn:aws:iam::${account.id}:role/${role}`,
        },
      },
    );
    call(20, 'iam:AttachRolePolicy', { roleName: role, policyArn: ADMIN_POLICY });
    call(
      40,
      'iam:CreateInstanceProfile',
      { instanceProfileName: profile },
      {
        instanceProfile: {
          path: '/',
          instanceProfileName: profile,
          arn: `arn:aws:iam::${account.id}:instance-profile/${profile}`,
          roles: [],
        },
      },
    );
    call(50, 'iam:AddRoleToInstanceProfile', { instanceProfileName: profile, roleName: role });
    const instanceId = `i-0${random.hex(16)}`;
    out.cloudtrail.push(
      launch(random, account, 'us-east-1', identity, at(58), 'm6i.large', {
        instanceIds: [instanceId],
        instanceProfileArn: `arn:aws:iam::${account.id}:instance-profile/${profile}`,
      }),
    );
    label(
      'admin-instance-profile',
      'iam-admin-policy-granted',
      `${account.id}:role/${role}:${ADMIN_POLICY}`,
      at(56, 20),
    );
    label(
      'admin-instance-profile',
      'ec2-instance-admin-profile',
      `${account.id}:${profile}:${instanceId}`,
      at(58),
    );
  }
  return out;
}

function failedLogin(
  random: SeededRandom,
  account: Account,
  name: string,
  ip: string,
  time: number,
): CloudTrailRecord {
  return consoleLogin(random, {
    time,
    account: account.id,
    identity: signInIdentity(account.id, name, ip, true),
    success: false,
    mfa: false,
  });
}

function flow(
  account: Account,
  vpc: Vpc,
  instance: Instance,
  src: string,
  dst: string,
  srcPort: number,
  dstPort: number,
  time: number,
  action: 'ACCEPT' | 'REJECT',
): Flow {
  return {
    account,
    vpc,
    instance,
    src,
    dst,
    srcPort,
    dstPort,
    protocol: 6,
    packets: 1,
    bytes: 44,
    start: Math.floor(time / 1000),
    action,
    direction: 'ingress',
  };
}

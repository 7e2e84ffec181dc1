import {
  assumedRole,
  CLI_AGENT,
  CONSOLE_AGENT,
  type Identity,
  iamUser,
  rootIdentity,
  SDK_AGENT,
} from './cloudtrail-records.js';

/** Who acts in the samples: two accounts, their people, pipelines and workloads (fixed ids, readable). */
export const PROD = '111122223333';
export const SANDBOX = '444455556666';

/** 2026-11-24 at the given UTC time, epoch ms: the samples' day. */
export function at(hours: number, minutes: number, seconds = 0): number {
  return Date.UTC(2026, 10, 24, hours, minutes, seconds);
}

const SESSION_START = at(8, 55);

function user(
  account: string,
  name: string,
  key: string,
  id: string,
  ip: string,
  agent = CLI_AGENT,
): Identity {
  return { userIdentity: iamUser(account, name, key, id), sourceIp: ip, userAgent: agent };
}

/** A console sign-in by an IAM user; CloudTrail leaves the ARN out of failed sign-ins. */
export function signInIdentity(account: string, userName: string, ip: string, failed: boolean): Identity {
  const { arn, ...withoutArn } = iamUser(
    account,
    userName,
    '',
    `AIDA${userName.toUpperCase().padEnd(17, 'X').slice(0, 17)}`,
  );
  return {
    userIdentity: failed ? withoutArn : { ...withoutArn, arn: arn ?? null },
    sourceIp: ip,
    userAgent: CONSOLE_AGENT,
  };
}

export const WEB_INSTANCE = {
  id: 'i-0a1b2c3d4e5f67890',
  privateIp: '10.0.1.25',
  publicIp: '54.210.33.17',
} as const;
export const WEB_ROLE_KEY = 'ASIAQX7L2M4N6P8R0T2V';
export const ATTACKER_IP = '203.0.113.77';

export const actors = {
  alice: user(PROD, 'alice', 'AKIAQX7L2M4N6P8RALIC', 'AIDAQX7L2M4N6P8RALICE', '198.51.100.14'),
  bob: user(PROD, 'bob', 'AKIAQX7L2M4N6P8RBOB2', 'AIDAQX7L2M4N6P8RBOB22', '198.51.100.15', CONSOLE_AGENT),
  carol: user(PROD, 'carol', 'AKIAQX7L2M4N6P8RCARO', 'AIDAQX7L2M4N6P8RCAROL', '198.51.100.16', CONSOLE_AGENT),
  contractor: user(PROD, 'temp-contractor', 'AKIAQX7L2M4N6P8RTMPC', 'AIDAQX7L2M4N6P8RTEMPC', '192.0.2.77'),
  erin: {
    userIdentity: assumedRole({
      account: PROD,
      roleName: 'AWSReservedSSO_PowerUser_5f1c2a9b3d7e4f60',
      rolePath: '/aws-reserved/sso.amazonaws.com/',
      sessionName: 'erin@acme.example',
      roleId: 'AROAQX7L2M4N6P8RPOWER',
      accessKeyId: 'ASIAQX7L2M4N6P8RERIN',
      sessionStart: SESSION_START,
      mfa: false,
    }),
    sourceIp: '198.51.100.21',
    userAgent: CONSOLE_AGENT,
  },
  deploy: {
    userIdentity: assumedRole({
      account: PROD,
      roleName: 'github-actions-deploy',
      sessionName: 'GitHubActions',
      roleId: 'AROAQX7L2M4N6P8RDEPLY',
      accessKeyId: 'ASIAQX7L2M4N6P8RDPLY',
      sessionStart: SESSION_START,
      mfa: false,
    }),
    sourceIp: '192.0.2.44',
    userAgent: SDK_AGENT,
  },
  ordersLambda: {
    userIdentity: assumedRole({
      account: PROD,
      roleName: 'orders-api-lambda',
      sessionName: 'orders-api',
      roleId: 'AROAQX7L2M4N6P8RLAMB',
      accessKeyId: 'ASIAQX7L2M4N6P8RLMBD',
      sessionStart: SESSION_START,
      mfa: false,
    }),
    sourceIp: '44.204.11.9',
    userAgent:
      'aws-sdk-js/3.687.0 ua/2.1 os/linux#5.10.227 lang/js md/nodejs#20.18.0 exec-env/AWS_Lambda_nodejs20.x',
  },
  /** The web server's instance-profile credentials, used from the instance itself. */
  webInstance: {
    userIdentity: assumedRole({
      account: PROD,
      roleName: 'web-app-role',
      sessionName: WEB_INSTANCE.id,
      roleId: 'AROAQX7L2M4N6P8RWEBAP',
      accessKeyId: WEB_ROLE_KEY,
      sessionStart: SESSION_START,
      mfa: false,
      ec2RoleDelivery: true,
    }),
    sourceIp: WEB_INSTANCE.publicIp,
    userAgent: 'aws-sdk-go/1.55.5 (go1.22.7; linux; amd64) amazon-ssm-agent/3.3.987.0',
  },
  ciDeploy: user(SANDBOX, 'ci-deploy', 'AKIAZK3M5N7P9R1TCIDP', 'AIDAZK3M5N7P9R1TCIDEP', '198.51.100.99'),
  grace: {
    userIdentity: assumedRole({
      account: SANDBOX,
      roleName: 'AWSReservedSSO_Developer_0a9b8c7d6e5f4a3b',
      rolePath: '/aws-reserved/sso.amazonaws.com/',
      sessionName: 'grace@acme.example',
      roleId: 'AROAZK3M5N7P9R1TDEVL',
      accessKeyId: 'ASIAZK3M5N7P9R1TGRCE',
      sessionStart: SESSION_START,
      mfa: false,
    }),
    sourceIp: '198.51.100.30',
    userAgent: CLI_AGENT,
  },
  root: {
    userIdentity: rootIdentity(PROD, 'ASIAQX7L2M4N6P8RROOT'),
    sourceIp: '198.51.100.14',
    userAgent: CONSOLE_AGENT,
  },
} satisfies Record<string, Identity>;

/** The attacker replaying the web server's stolen instance credentials from outside AWS. */
export const stolenWebCredentials: Identity = {
  ...actors.webInstance,
  sourceIp: ATTACKER_IP,
  userAgent: CLI_AGENT,
};

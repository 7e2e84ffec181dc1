import { writeFileSync } from 'node:fs';
import type { JsonValue } from '../../schemas/types.js';
import type { Identity } from '../generate/cloudtrail-records.js';
import {
  ACCOUNT,
  call,
  flowLine,
  guardDutyFinding,
  instanceSession,
  noDataLine,
  roleSession,
  signIn,
  user,
} from './records.js';

/**
 * Writes the fixtures.json of each correlation in detections/catalog/correlations: stories told with the record
 * builders, each case with its events (some out of order, some late) and the exact findings expected.
 *
 *   npx tsx bench/correlations/write-fixtures.ts
 */
interface Case {
  name: string;
  params?: Record<string, JsonValue>;
  events: JsonValue[];
  expect: Record<string, JsonValue>[];
}

const T = Date.UTC(2026, 10, 20, 10, 0);
const at = (minute: number, second = 0) => T + minute * 60_000 + second * 1000;
const HOME = '81.2.69.160';
const ATTACKER = '185.220.101.4';
const AWS_NAT = '52.95.110.1';
const OTHER_AWS = '3.5.140.2';
const alice = user(ACCOUNT, 'alice', HOME);
const aliceArn = `arn:aws:iam::${ACCOUNT}:user/alice`;

function write(id: string, cases: Case[]): void {
  const url = new URL(`../../detections/catalog/correlations/${id}/fixtures.json`, import.meta.url);
  writeFileSync(url, `${JSON.stringify({ cases }, null, 2)}\n`);
}

/** Same events, delivered in another order (indexes into `events`). */
function reorder<T>(events: T[], order: number[]): T[] {
  return order.map((index) => events[index] as T);
}

// iam-user-backdoor-chain
{
  const admin = 'arn:aws:iam::aws:policy/AdministratorAccess';
  const steps = (prefix: string, who: Identity, target: string, base: number) => [
    call({
      id: `${prefix}-create`,
      time: at(base),
      identity: who,
      call: 'iam:CreateUser',
      request: { userName: target },
    }),
    call({
      id: `${prefix}-key`,
      time: at(base + 3),
      identity: who,
      call: 'iam:CreateAccessKey',
      request: { userName: target },
    }),
    call({
      id: `${prefix}-attach`,
      time: at(base + 7),
      identity: who,
      call: 'iam:AttachUserPolicy',
      request: { userName: target, policyArn: admin },
    }),
  ];
  const [create, key, attach] = steps('bd', alice, 'svc-sync', 0) as [JsonValue, JsonValue, JsonValue];
  const title = `IAM user svc-sync created, given credentials and admin rights by ${aliceArn} within 7 minutes`;
  write('iam-user-backdoor-chain', [
    {
      name: 'create, access key, admin policy within minutes; the key arrives before the creation (within lateness)',
      events: [key, create, attach],
      expect: [
        {
          title,
          severity: 'high',
          evidence: ['bd-create', 'bd-key', 'bd-attach'],
          context: {
            'step1.name': 'user created',
            'step1.action': 'iam:CreateUser',
            'step1.time': '2026-11-20T10:00:00.000Z',
            'step1.principal': aliceArn,
            'step2.name': 'access key created',
            'step2.action': 'iam:CreateAccessKey',
            'step2.time': '2026-11-20T10:03:00.000Z',
            'step2.principal': aliceArn,
            'step3.name': 'admin policy attached',
            'step3.action': 'iam:AttachUserPolicy',
            'step3.time': '2026-11-20T10:07:00.000Z',
            'step3.principal': aliceArn,
            userName: 'svc-sync',
            policy: admin,
            withinMinutes: '60',
          },
        },
      ],
    },
    {
      name: 'inline policy allowing everything, console password instead of a key',
      events: [
        create,
        call({
          id: 'bd-profile',
          time: at(2),
          identity: alice,
          call: 'iam:CreateLoginProfile',
          request: { userName: 'svc-sync', passwordResetRequired: false },
        }),
        call({
          id: 'bd-inline',
          time: at(4),
          identity: alice,
          call: 'iam:PutUserPolicy',
          request: {
            userName: 'svc-sync',
            policyName: 'all',
            policyDocument:
              '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
          },
        }),
      ],
      expect: [
        {
          title: `IAM user svc-sync created, given credentials and admin rights by ${aliceArn} within 4 minutes`,
          evidence: ['bd-create', 'bd-profile', 'bd-inline'],
        },
      ],
    },
    {
      name: 'steps out of order: admin policy before the access key',
      events: [
        create,
        attach,
        call({
          id: 'bd-key-late',
          time: at(9),
          identity: alice,
          call: 'iam:CreateAccessKey',
          request: { userName: 'svc-sync' },
        }),
      ],
      expect: [],
    },
    {
      name: 'more than an hour from creation to admin',
      events: [
        create,
        key,
        call({
          id: 'bd-attach-2h',
          time: at(61),
          identity: alice,
          call: 'iam:AttachUserPolicy',
          request: { userName: 'svc-sync', policyArn: admin },
        }),
      ],
      expect: [],
    },
    {
      name: 'another principal attaches the policy',
      events: [
        create,
        key,
        call({
          id: 'bd-bob',
          time: at(7),
          identity: user(ACCOUNT, 'bob', HOME),
          call: 'iam:AttachUserPolicy',
          request: { userName: 'svc-sync', policyArn: admin },
        }),
      ],
      expect: [],
    },
    {
      name: 'read-only policy, and a refused admin attach',
      events: [
        create,
        key,
        call({
          id: 'bd-ro',
          time: at(5),
          identity: alice,
          call: 'iam:AttachUserPolicy',
          request: { userName: 'svc-sync', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
        }),
        call({
          id: 'bd-denied',
          time: at(6),
          identity: alice,
          call: 'iam:AttachUserPolicy',
          request: { userName: 'svc-sync', policyArn: admin },
          error: 'AccessDenied',
        }),
      ],
      expect: [],
    },
    {
      name: 'the creation arrives after the lateness: too late to open the chain',
      events: [
        call({ id: 'bd-tick', time: at(20), identity: alice, call: 'iam:ListUsers' }),
        key,
        attach,
        create,
      ],
      expect: [],
    },
  ]);
}

// ec2-user-data-swap
{
  const ops = user(ACCOUNT, 'mallory', ATTACKER);
  const instances = (ids: string[]) => ({
    instancesSet: { items: ids.map((instanceId) => ({ instanceId })) },
  });
  const stop = call({
    id: 'ud-stop',
    time: at(0),
    identity: ops,
    call: 'ec2:StopInstances',
    request: { ...instances(['i-0a1b2c3d4e5f60718', 'i-0f9e8d7c6b5a40312']), force: false },
  });
  const modify = call({
    id: 'ud-modify',
    time: at(3),
    identity: ops,
    call: 'ec2:ModifyInstanceAttribute',
    request: { instanceId: 'i-0a1b2c3d4e5f60718', userData: '<sensitiveDataRemoved>' },
  });
  const start = call({
    id: 'ud-start',
    time: at(5),
    identity: ops,
    call: 'ec2:StartInstances',
    request: instances(['i-0a1b2c3d4e5f60718']),
  });
  write('ec2-user-data-swap', [
    {
      name: 'stop (two instances), user data replaced on one, start; the modify arrives last within lateness',
      events: [stop, start, modify],
      expect: [
        {
          title: `User data of i-0a1b2c3d4e5f60718 replaced between a stop and a start by arn:aws:iam::${ACCOUNT}:user/mallory`,
          severity: 'high',
          evidence: ['ud-stop', 'ud-modify', 'ud-start'],
          resources: [{ type: 'AWS::EC2::Instance', id: 'i-0a1b2c3d4e5f60718', account: ACCOUNT }],
        },
      ],
    },
    {
      name: 'the other stopped instance is started without a user data change',
      events: [
        stop,
        modify,
        call({
          id: 'ud-start-2',
          time: at(5),
          identity: ops,
          call: 'ec2:StartInstances',
          request: instances(['i-0f9e8d7c6b5a40312']),
        }),
      ],
      expect: [],
    },
    {
      name: 'another attribute changed (instance type)',
      events: [
        stop,
        call({
          id: 'ud-type',
          time: at(3),
          identity: ops,
          call: 'ec2:ModifyInstanceAttribute',
          request: { instanceId: 'i-0a1b2c3d4e5f60718', instanceType: { value: 'm6i.xlarge' } },
        }),
        start,
      ],
      expect: [],
    },
    {
      name: 'started more than an hour after the stop',
      events: [
        stop,
        modify,
        call({
          id: 'ud-start-late',
          time: at(70),
          identity: ops,
          call: 'ec2:StartInstances',
          request: instances(['i-0a1b2c3d4e5f60718']),
        }),
      ],
      expect: [],
    },
    {
      name: 'the stop arrives after the lateness',
      events: [
        modify,
        start,
        call({ id: 'ud-tick', time: at(30), identity: ops, call: 'ec2:DescribeInstances' }),
        stop,
      ],
      expect: [],
    },
  ]);
}

// s3-bucket-exposed-after-block-removed
{
  const who = user(ACCOUNT, 'mallory', ATTACKER);
  const removed = call({
    id: 's3-pab',
    time: at(0),
    identity: who,
    call: 's3:DeleteBucketPublicAccessBlock',
    request: {
      bucketName: 'payroll-exports',
      Host: 'payroll-exports.s3.amazonaws.com',
      publicAccessBlock: '',
    },
  });
  const policy = call({
    id: 's3-policy',
    time: at(4),
    identity: who,
    call: 's3:PutBucketPolicy',
    request: {
      bucketName: 'payroll-exports',
      bucketPolicy: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'pub',
            Effect: 'Allow',
            Principal: '*',
            Action: 's3:GetObject',
            Resource: 'arn:aws:s3:::payroll-exports/*',
          },
        ],
      },
    },
  });
  const acl = call({
    id: 's3-acl',
    time: at(6),
    identity: who,
    call: 's3:PutBucketAcl',
    request: { bucketName: 'payroll-exports', 'x-amz-acl': ['public-read'] },
  });
  const title = `S3 bucket payroll-exports made public by arn:aws:iam::${ACCOUNT}:user/mallory after its Block Public Access was removed`;
  write('s3-bucket-exposed-after-block-removed', [
    {
      name: 'Block Public Access deleted, then a public bucket policy (arriving first)',
      events: [policy, removed],
      expect: [
        {
          title,
          severity: 'critical',
          evidence: ['s3-pab', 's3-policy'],
          context: {
            'step1.name': 'Block Public Access removed',
            'step1.action': 's3:DeleteBucketPublicAccessBlock',
            'step1.time': '2026-11-20T10:00:00.000Z',
            'step1.principal': `arn:aws:iam::${ACCOUNT}:user/mallory`,
            'step2.name': 'policy made public',
            'step2.action': 's3:PutBucketPolicy',
            'step2.time': '2026-11-20T10:04:00.000Z',
            'step2.principal': `arn:aws:iam::${ACCOUNT}:user/mallory`,
            bucket: 'payroll-exports',
          },
        },
      ],
    },
    {
      name: 'Block Public Access weakened (a Put with BlockPublicAcls off), then a public-read ACL',
      events: [
        call({
          id: 's3-pab-put',
          time: at(0),
          identity: who,
          call: 's3:PutBucketPublicAccessBlock',
          request: {
            bucketName: 'payroll-exports',
            PublicAccessBlockConfiguration: {
              BlockPublicAcls: false,
              IgnorePublicAcls: false,
              BlockPublicPolicy: true,
              RestrictPublicBuckets: true,
            },
          },
        }),
        acl,
      ],
      expect: [{ title, evidence: ['s3-pab-put', 's3-acl'] }],
    },
    {
      name: 'a policy shared with one named account is not public',
      events: [
        removed,
        call({
          id: 's3-policy-acct',
          time: at(4),
          identity: who,
          call: 's3:PutBucketPolicy',
          request: {
            bucketName: 'payroll-exports',
            bucketPolicy: {
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: { AWS: 'arn:aws:iam::999988887777:root' },
                  Action: 's3:GetObject',
                  Resource: 'arn:aws:s3:::payroll-exports/*',
                },
              ],
            },
          },
        }),
      ],
      expect: [],
    },
    {
      name: 'public policy on another bucket',
      events: [
        removed,
        call({
          id: 's3-policy-other',
          time: at(4),
          identity: who,
          call: 's3:PutBucketPolicy',
          request: {
            bucketName: 'website-assets',
            bucketPolicy: {
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: '*',
                  Action: 's3:GetObject',
                  Resource: 'arn:aws:s3:::website-assets/*',
                },
              ],
            },
          },
        }),
      ],
      expect: [],
    },
    {
      name: 'public policy refused (AccessDenied)',
      events: [
        removed,
        call({
          id: 's3-policy-denied',
          time: at(4),
          identity: who,
          call: 's3:PutBucketPolicy',
          error: 'AccessDenied',
          request: {
            bucketName: 'payroll-exports',
            bucketPolicy: {
              Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' }],
            },
          },
        }),
      ],
      expect: [],
    },
    {
      name: 'the public policy arrives after the lateness',
      events: [removed, call({ id: 's3-tick', time: at(20), identity: who, call: 's3:ListBuckets' }), policy],
      expect: [],
    },
  ]);
}

// signin-no-mfa-session-security-changes
{
  const console = user(ACCOUNT, 'carol', ATTACKER, { console: true, mfa: false, sessionStart: at(0) });
  const carolArn = `arn:aws:iam::${ACCOUNT}:user/carol`;
  const login = signIn({
    id: 'nm-login',
    time: at(0),
    identity: user(ACCOUNT, 'carol', ATTACKER),
    mfa: false,
  });
  const keyCreated = call({
    id: 'nm-key',
    time: at(6),
    identity: console,
    call: 'iam:CreateAccessKey',
    request: { userName: 'carol' },
    console: true,
  });
  const trail = call({
    id: 'nm-trail',
    time: at(9),
    identity: console,
    call: 'cloudtrail:StopLogging',
    request: { name: 'org-trail' },
    console: true,
    error: 'AccessDenied',
  });
  write('signin-no-mfa-session-security-changes', [
    {
      name: 'password-only sign-in, then an access key and a refused StopLogging from the console; the key call arrives first',
      events: [keyCreated, login, trail],
      // The refused StopLogging of the same session rolls up into the first finding (count 2).
      expect: [
        {
          title: `${carolArn} signed in without MFA and called iam:CreateAccessKey 6 minutes later`,
          severity: 'high',
          evidence: ['nm-login', 'nm-key'],
          count: 1,
          context: {
            'step1.name': 'console sign-in without MFA',
            'step1.action': 'signin:ConsoleLogin',
            'step1.time': '2026-11-20T10:00:00.000Z',
            'step1.principal': carolArn,
            'step2.name': 'security change',
            'step2.action': 'iam:CreateAccessKey',
            'step2.time': '2026-11-20T10:06:00.000Z',
            'step2.principal': carolArn,
            sourceIp: ATTACKER,
          },
        },
        {
          title: `${carolArn} signed in without MFA and called iam:CreateAccessKey 6 minutes later`,
          count: 2,
        },
      ],
    },
    {
      name: 'sign-in with MFA',
      events: [
        signIn({ id: 'nm-login-mfa', time: at(0), identity: user(ACCOUNT, 'carol', ATTACKER), mfa: true }),
        keyCreated,
      ],
      expect: [],
    },
    {
      name: 'read-only IAM calls and a change to another service',
      events: [
        login,
        call({ id: 'nm-read', time: at(3), identity: console, call: 'iam:ListUsers', console: true }),
        call({
          id: 'nm-ec2',
          time: at(4),
          identity: console,
          call: 'ec2:RunInstances',
          readOnly: false,
          console: true,
        }),
      ],
      expect: [],
    },
    {
      name: 'the change comes 40 minutes after the sign-in',
      events: [
        login,
        call({
          id: 'nm-key-40',
          time: at(40),
          identity: console,
          call: 'iam:CreateAccessKey',
          request: { userName: 'carol' },
          console: true,
        }),
      ],
      expect: [],
    },
    {
      name: 'the sign-in arrives after the lateness',
      events: [
        keyCreated,
        call({ id: 'nm-tick', time: at(15), identity: console, call: 'iam:ListRoles', console: true }),
        login,
      ],
      expect: [],
    },
  ]);
}

// discovery-api-enumeration
{
  const apis = [
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
  const stolen = roleSession(ACCOUNT, 'ci-deployer', 'botocore-session-1', ATTACKER, 'ASIAQX7L2M4N6STOLEN1');
  const stolenArn = `arn:aws:sts::${ACCOUNT}:assumed-role/ci-deployer/botocore-session-1`;
  const burst = (session: Identity, prefix: string, base: number, count = apis.length) =>
    apis.slice(0, count).map((api, index) =>
      call({
        id: `${prefix}-${String(index).padStart(2, '0')}`,
        time: at(base, index * 15),
        identity: session,
        call: api,
      }),
    );
  const fresh = burst(stolen, 'en', 30);
  const order = fresh.map((_, index) => index).sort((a, b) => (a % 3) - (b % 3) || a - b);
  const known = roleSession(ACCOUNT, 'ci-deployer', 'botocore-session-1', HOME, 'ASIAQX7L2M4N6KNOWN01');
  // The role worked an hour before from another session: the burst's session is new, the role is not.
  const roleKnown = call({
    id: 'en-role-known',
    time: at(-30),
    identity: roleSession(ACCOUNT, 'ci-deployer', 'nightly', HOME, 'ASIAQX7L2M4N6NIGHTLY'),
    call: 's3:ListBuckets',
  });
  write('discovery-api-enumeration', [
    {
      name: '22 APIs of 10 services within 6 minutes by a new session of a known role, shuffled within lateness',
      events: [roleKnown, ...reorder(fresh, order)],
      // The first window to hold 20 APIs ends at 10:35; the two later APIs roll up into it (count 22).
      expect: [
        {
          title: `${stolenArn} enumerated 20 APIs of 8 services with a session never seen before`,
          severity: 'high',
          count: 20,
          window: { start: at(25), end: at(35) },
        },
        {
          title: `${stolenArn} enumerated 20 APIs of 8 services with a session never seen before`,
          count: 22,
        },
      ],
    },
    {
      name: 'the same burst from a session seen an hour earlier',
      events: [
        call({ id: 'en-early', time: at(-30), identity: known, call: 's3:ListBuckets' }),
        ...burst(known, 'ek', 30),
      ],
      expect: [
        { title: `${stolenArn} enumerated 20 APIs of 8 services`, severity: 'medium', count: 20 },
        { title: `${stolenArn} enumerated 20 APIs of 8 services`, count: 22 },
      ],
    },
    {
      name: 'the first session ever seen of its role (start-up): its baseline, medium',
      events: fresh,
      expect: [
        { title: `${stolenArn} enumerated 20 APIs of 8 services`, severity: 'medium', count: 20 },
        { title: `${stolenArn} enumerated 20 APIs of 8 services`, count: 22 },
      ],
    },
    { name: '15 APIs only', events: burst(stolen, 'e15', 30, 15), expect: [] },
    {
      name: 'the same calls from the console',
      events: burst(user(ACCOUNT, 'carol', HOME, { console: true, mfa: true }), 'ec', 30).map((record) => ({
        ...(record as object),
        sessionCredentialFromConsole: 'true',
      })),
      expect: [],
    },
    {
      name: 'the first two calls arrive after their windows fired: the 20 others still make a burst',
      events: [
        roleKnown,
        ...fresh.slice(2),
        call({ id: 'en-tick', time: at(50), identity: known, call: 'ec2:RunInstances', readOnly: false }),
        fresh[0] as JsonValue,
        fresh[1] as JsonValue,
      ],
      expect: [
        {
          title: `${stolenArn} enumerated 20 APIs of 10 services with a session never seen before`,
          severity: 'high',
          count: 20,
          window: { start: at(26), end: at(36) },
        },
      ],
    },
  ]);
}

// access-denied-then-succeeded
{
  const dev = user(ACCOUNT, 'dev-ci', ATTACKER);
  const denied = call({
    id: 'ds-denied',
    time: at(0),
    identity: dev,
    call: 'iam:AttachUserPolicy',
    request: { userName: 'dev-ci', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
    error: 'AccessDenied',
  });
  const allowed = call({
    id: 'ds-allowed',
    time: at(12),
    identity: dev,
    call: 'iam:AttachUserPolicy',
    request: { userName: 'dev-ci', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
  });
  write('access-denied-then-succeeded', [
    {
      name: 'refused, then allowed 12 minutes later; the success arrives first within lateness',
      events: [allowed, denied],
      expect: [
        {
          title: `iam:AttachUserPolicy refused for arn:aws:iam::${ACCOUNT}:user/dev-ci, then allowed 12 minutes later`,
          severity: 'medium',
          evidence: ['ds-denied', 'ds-allowed'],
          context: {
            'step1.name': 'refused (AccessDenied)',
            'step1.action': 'iam:AttachUserPolicy',
            'step1.time': '2026-11-20T10:00:00.000Z',
            'step1.principal': `arn:aws:iam::${ACCOUNT}:user/dev-ci`,
            'step2.name': 'succeeded',
            'step2.action': 'iam:AttachUserPolicy',
            'step2.time': '2026-11-20T10:12:00.000Z',
            'step2.principal': `arn:aws:iam::${ACCOUNT}:user/dev-ci`,
            errorCode: 'AccessDenied',
          },
        },
      ],
    },
    {
      name: 'EC2 refusal (Client.UnauthorizedOperation) then success',
      events: [
        call({
          id: 'ds-ec2-denied',
          time: at(0),
          identity: dev,
          call: 'ec2:CreateKeyPair',
          request: { keyName: 'x' },
          error: 'Client.UnauthorizedOperation',
        }),
        call({
          id: 'ds-ec2-ok',
          time: at(5),
          identity: dev,
          call: 'ec2:CreateKeyPair',
          request: { keyName: 'x' },
        }),
      ],
      expect: [
        {
          title: `ec2:CreateKeyPair refused for arn:aws:iam::${ACCOUNT}:user/dev-ci, then allowed 5 minutes later`,
        },
      ],
    },
    {
      name: 'a retry 20 seconds later (IAM propagation)',
      events: [
        denied,
        call({
          id: 'ds-retry',
          time: at(0, 20),
          identity: dev,
          call: 'iam:AttachUserPolicy',
          request: { userName: 'dev-ci' },
        }),
      ],
      expect: [],
    },
    {
      name: 'another action succeeds',
      events: [
        denied,
        call({ id: 'ds-other', time: at(12), identity: dev, call: 'iam:CreateAccessKey', request: {} }),
      ],
      expect: [],
    },
    {
      name: 'another principal succeeds',
      events: [
        denied,
        call({
          id: 'ds-bob',
          time: at(12),
          identity: user(ACCOUNT, 'bob', HOME),
          call: 'iam:AttachUserPolicy',
          request: {},
        }),
      ],
      expect: [],
    },
    {
      name: 'a refused read then a read (reads are left out)',
      events: [
        call({
          id: 'ds-read-denied',
          time: at(0),
          identity: dev,
          call: 'iam:ListUsers',
          error: 'AccessDenied',
        }),
        call({ id: 'ds-read-ok', time: at(10), identity: dev, call: 'iam:ListUsers' }),
      ],
      expect: [],
    },
    {
      name: 'the success arrives after the lateness',
      events: [denied, call({ id: 'ds-tick', time: at(30), identity: dev, call: 'iam:ListUsers' }), allowed],
      expect: [],
    },
  ]);
}

// ec2-instance-credentials-new-origin
{
  const instance = 'i-0a1b2c3d4e5f60718';
  const from = (ip: string) => instanceSession(ACCOUNT, 'web-app', instance, ip);
  const own = (id: string, minute: number) =>
    call({
      id,
      time: at(minute),
      identity: from(AWS_NAT),
      call: 's3:GetObject',
      request: { bucketName: 'web-assets', key: 'a.css' },
    });
  const stolen = call({
    id: 'ic-outside',
    time: at(20),
    identity: from(ATTACKER),
    call: 'sts:GetCallerIdentity',
  });
  const inside = call({ id: 'ic-inside', time: at(25), identity: from(OTHER_AWS), call: 'iam:ListRoles' });
  const session = `arn:aws:sts::${ACCOUNT}:assumed-role/web-app/${instance}`;
  write('ec2-instance-credentials-new-origin', [
    {
      name: 'the instance calls from its NAT address, then its credentials from outside AWS and from another AWS address',
      events: [own('ic-own-1', 0), own('ic-own-2', 10), inside, stolen],
      expect: [
        {
          title: `Credentials of ${instance} used from outside AWS: ${ATTACKER} (AS60729 Stiftung Erneuerbare Freiheit, DE)`,
          severity: 'high',
          evidence: ['ic-outside'],
          context: {
            'step1.name': 'call from outside AWS',
            'step1.action': 'sts:GetCallerIdentity',
            'step1.time': '2026-11-20T10:20:00.000Z',
            'step1.principal': session,
            instanceId: instance,
            sourceIp: ATTACKER,
            asn: '60729',
            network: 'Stiftung Erneuerbare Freiheit',
            country: 'DE',
            knownSince: '2026-11-20T10:00:00.000Z',
          },
        },
        {
          title: `Credentials of ${instance} used from a new AWS address: ${OTHER_AWS} (AS16509 Amazon.com, Inc., KR)`,
          severity: 'medium',
          evidence: ['ic-inside'],
        },
      ],
    },
    {
      name: 'first call from outside AWS, no earlier address known',
      events: [stolen],
      expect: [
        {
          title: `Credentials of ${instance} used from outside AWS: ${ATTACKER} (AS60729 Stiftung Erneuerbare Freiheit, DE)`,
        },
      ],
    },
    {
      name: 'the earlier own call arrives after the new AWS address within lateness',
      events: [
        call({ id: 'ic-own-3', time: at(24, 30), identity: from(AWS_NAT), call: 's3:GetObject' }),
        inside,
        own('ic-own-4', 24),
      ],
      expect: [
        {
          title: `Credentials of ${instance} used from a new AWS address: ${OTHER_AWS} (AS16509 Amazon.com, Inc., KR)`,
        },
      ],
    },
    {
      name: 'only its own NAT address, a private address and a VPC endpoint',
      events: [
        own('ic-own-5', 0),
        own('ic-own-6', 5),
        call({ id: 'ic-private', time: at(6), identity: from('10.0.3.7'), call: 's3:GetObject' }),
      ],
      expect: [],
    },
    {
      name: 'a call by an AWS service on the instance’s behalf',
      events: [
        own('ic-own-7', 0),
        {
          ...(call({ id: 'ic-svc', time: at(5), identity: from(ATTACKER), call: 'kms:Decrypt' }) as object),
          userIdentity: { ...(from(ATTACKER).userIdentity as object), invokedBy: 'ssm.amazonaws.com' },
        },
      ],
      expect: [],
    },
    {
      name: 'the outside call arrives after the lateness',
      events: [own('ic-own-8', 0), own('ic-own-9', 30), stolen],
      expect: [],
    },
  ]);
}

// mass-destruction-by-principal
{
  const wiper = user(ACCOUNT, 'mallory', ATTACKER);
  const deletes = Array.from({ length: 8 }, (_, index) =>
    call({
      id: `md-obj-${index}`,
      time: at(0, index * 20),
      identity: wiper,
      call: 's3:DeleteObject',
      readOnly: false,
      request: { bucketName: 'finance-data', key: `reports/${index}.csv` },
    }),
  );
  const keys = [0, 1].map((index) =>
    call({
      id: `md-kms-${index}`,
      time: at(3, index * 10),
      identity: wiper,
      call: 'kms:ScheduleKeyDeletion',
      request: {
        keyId: `arn:aws:kms:us-east-1:${ACCOUNT}:key/0000000${index}-aaaa-bbbb-cccc-dddddddddddd`,
        pendingWindowInDays: 7,
      },
    }),
  );
  const snaps = [0, 1].map((index) =>
    call({
      id: `md-snap-${index}`,
      time: at(4, index * 10),
      identity: wiper,
      call: 'ec2:DeleteSnapshot',
      request: { snapshotId: `snap-0a1b2c3d4e5f6071${index}` },
    }),
  );
  write('mass-destruction-by-principal', [
    {
      name: '8 objects, 2 KMS keys and 2 snapshots within 5 minutes, out of order',
      events: [...keys, ...deletes.slice(4), ...snaps, ...deletes.slice(0, 4)],
      // The first window holding 10 resources has no snapshot yet; the snapshots roll up into it (count 12).
      expect: [
        {
          title: `arn:aws:iam::${ACCOUNT}:user/mallory destroyed or shared 10 resources (KMS keys, S3 objects) within 10 minutes`,
          severity: 'critical',
          count: 10,
        },
        {
          title: `arn:aws:iam::${ACCOUNT}:user/mallory destroyed or shared 10 resources (KMS keys, S3 objects) within 10 minutes`,
          count: 12,
        },
      ],
    },
    {
      name: '10 object deletions of one bucket: one kind, high',
      events: [
        ...deletes,
        ...[8, 9].map((index) =>
          call({
            id: `md-obj-${index}`,
            time: at(3, index),
            identity: wiper,
            call: 's3:DeleteObject',
            readOnly: false,
            request: { bucketName: 'finance-data', key: `reports/${index}.csv` },
          }),
        ),
      ],
      expect: [
        {
          title: `arn:aws:iam::${ACCOUNT}:user/mallory destroyed or shared 10 resources (S3 objects) within 10 minutes`,
          severity: 'high',
          count: 10,
        },
      ],
    },
    {
      name: 'the same object deleted 12 times counts once',
      events: Array.from({ length: 12 }, (_, index) =>
        call({
          id: `md-same-${index}`,
          time: at(0, index * 10),
          identity: wiper,
          call: 's3:DeleteObject',
          readOnly: false,
          request: { bucketName: 'finance-data', key: 'reports/0.csv' },
        }),
      ),
      expect: [],
    },
    {
      name: 'snapshot attribute changes that share nothing',
      events: Array.from({ length: 12 }, (_, index) =>
        call({
          id: `md-attr-${index}`,
          time: at(0, index * 10),
          identity: wiper,
          call: 'ec2:ModifySnapshotAttribute',
          request: {
            snapshotId: `snap-${index}`,
            createVolumePermission: { remove: { items: [{ userId: '999988887777' }] } },
          },
        }),
      ),
      expect: [],
    },
    {
      name: 'three deletions arrive after the lateness: 9 left',
      events: [
        ...deletes.slice(2),
        ...keys,
        call({ id: 'md-tick', time: at(20), identity: wiper, call: 's3:ListBuckets' }),
        ...deletes.slice(0, 2),
        ...snaps.slice(0, 1),
      ],
      expect: [],
    },
  ]);
}

// signin-new-country-or-network
{
  const first = signIn({ id: 'nc-home', time: at(-600), identity: alice, mfa: true });
  const abroad = signIn({
    id: 'nc-abroad',
    time: at(0),
    identity: user(ACCOUNT, 'alice', ATTACKER),
    mfa: true,
  });
  write('signin-new-country-or-network', [
    {
      name: 'alice signs in from home (GB), then from Germany on another network',
      events: [first, abroad],
      expect: [
        {
          title: `${aliceArn} signed in from a new country DE (${ATTACKER})`,
          severity: 'high',
          evidence: ['nc-abroad'],
          context: {
            'step1.name': 'sign-in from a new country',
            'step1.action': 'signin:ConsoleLogin',
            'step1.time': '2026-11-20T10:00:00.000Z',
            'step1.principal': aliceArn,
            sourceIp: ATTACKER,
            country: 'DE',
            asn: '60729',
            network: 'Stiftung Erneuerbare Freiheit',
            newFacts: 'country:DE,asn:60729',
          },
        },
      ],
    },
    {
      name: 'same country, another network (Google in the US after a US ISP)',
      events: [
        signIn({ id: 'nc-us', time: at(-300), identity: user(ACCOUNT, 'alice', '52.95.110.1'), mfa: true }),
        signIn({ id: 'nc-us-2', time: at(0), identity: user(ACCOUNT, 'alice', '8.8.8.8'), mfa: true }),
      ],
      expect: [
        {
          title: `${aliceArn} signed in from a new network AS15169 Google LLC (8.8.8.8)`,
          severity: 'medium',
        },
      ],
    },
    {
      name: 'the later sign-in arrives first (within lateness): the earlier one is the baseline',
      events: [
        signIn({ id: 'nc-abroad-2', time: at(2), identity: user(ACCOUNT, 'alice', ATTACKER), mfa: true }),
        signIn({ id: 'nc-home-2', time: at(0), identity: alice, mfa: true }),
      ],
      expect: [
        { title: `${aliceArn} signed in from a new country DE (${ATTACKER})`, evidence: ['nc-abroad-2'] },
      ],
    },
    {
      name: 'first sign-in ever (baseline), and a second from the same address',
      events: [
        abroad,
        signIn({ id: 'nc-again', time: at(60), identity: user(ACCOUNT, 'alice', ATTACKER), mfa: true }),
      ],
      expect: [],
    },
    {
      name: 'the home sign-in arrives after the lateness: no baseline, nothing reported',
      events: [
        abroad,
        signIn({ id: 'nc-tick', time: at(30), identity: user(ACCOUNT, 'bob', HOME), mfa: true }),
        first,
      ],
      expect: [],
    },
  ]);
}

// account-new-region-used
{
  const ops = user(ACCOUNT, 'ops', HOME);
  const launch = (id: string, time: number, region: string) =>
    call({
      id,
      time,
      region,
      identity: ops,
      call: 'ec2:RunInstances',
      readOnly: false,
      request: { instanceType: 'c6i.large' },
    });
  const history = [
    launch('nr-day0', at(-26 * 60), 'us-east-1'),
    launch('nr-day1', at(-60), 'us-east-1'),
    launch('nr-west', at(-30), 'eu-west-1'),
  ];
  write('account-new-region-used', [
    {
      name: 'a day of us-east-1, then eu-west-1 and a launch in ap-southeast-3',
      events: [...history, launch('nr-new', at(0), 'ap-southeast-3')],
      expect: [
        {
          title: `Account ${ACCOUNT} used region eu-west-1 for the first time: ec2:RunInstances by arn:aws:iam::${ACCOUNT}:user/ops`,
          severity: 'medium',
          evidence: ['nr-west'],
        },
        {
          title: `Account ${ACCOUNT} used region ap-southeast-3 for the first time: ec2:RunInstances by arn:aws:iam::${ACCOUNT}:user/ops`,
          evidence: ['nr-new'],
          context: {
            'step1.name': 'first change in the region',
            'step1.action': 'ec2:RunInstances',
            'step1.time': '2026-11-20T10:00:00.000Z',
            'step1.principal': `arn:aws:iam::${ACCOUNT}:user/ops`,
            region: 'ap-southeast-3',
            knownSince: '2026-11-19T08:00:00.000Z',
          },
        },
      ],
    },
    {
      name: 'within the learning day',
      events: [launch('nr-a', at(0), 'us-east-1'), launch('nr-b', at(60), 'eu-west-1')],
      expect: [],
    },
    {
      name: 'the two first launches in a region out of order: the earlier one is reported',
      events: [
        history[0] as JsonValue,
        launch('nr-late-2', at(2), 'sa-east-1'),
        launch('nr-late-1', at(1), 'sa-east-1'),
      ],
      expect: [
        {
          title: `Account ${ACCOUNT} used region sa-east-1 for the first time: ec2:RunInstances by arn:aws:iam::${ACCOUNT}:user/ops`,
          evidence: ['nr-late-1'],
        },
      ],
    },
    {
      name: 'reads, global services and AWS services in a new region',
      events: [
        history[0] as JsonValue,
        call({
          id: 'nr-read',
          time: at(0),
          region: 'ap-south-1',
          identity: ops,
          call: 'ec2:DescribeInstances',
        }),
        call({
          id: 'nr-iam',
          time: at(1),
          region: 'ap-south-1',
          identity: ops,
          call: 'iam:CreateRole',
          request: { roleName: 'x' },
        }),
        {
          ...(launch('nr-svc', at(2), 'ap-south-1') as object),
          userIdentity: { type: 'AWSService', invokedBy: 'autoscaling.amazonaws.com' },
          sourceIPAddress: 'autoscaling.amazonaws.com',
        },
      ],
      expect: [],
    },
    {
      name: 'the first launch in a region arrives after the lateness',
      events: [
        history[0] as JsonValue,
        launch('nr-tick', at(30), 'us-east-1'),
        launch('nr-too-late', at(0), 'ap-northeast-3'),
      ],
      expect: [],
    },
  ]);
}

// guardduty-findings-by-family
{
  const web = { instance: 'i-0a1b2c3d4e5f60718' };
  const mining = guardDutyFinding({
    id: 'gd-btc',
    time: at(0),
    type: 'CryptoCurrency:EC2/BitcoinTool.B!DNS',
    severity: 8,
    resource: web,
  });
  const miningUpdate = guardDutyFinding({
    id: 'gd-btc',
    time: at(20),
    type: 'CryptoCurrency:EC2/BitcoinTool.B!DNS',
    severity: 8,
    resource: web,
    count: 14,
  });
  const miningIp = guardDutyFinding({
    id: 'gd-btc-ip',
    time: at(10),
    type: 'CryptoCurrency:EC2/BitcoinTool.B',
    severity: 8,
    resource: web,
    count: 3,
  });
  const scan = guardDutyFinding({
    id: 'gd-scan',
    time: at(5),
    type: 'Recon:EC2/PortProbeUnprotectedPort',
    severity: 2,
    resource: web,
    count: 40,
  });
  write('guardduty-findings-by-family', [
    {
      name: 'two crypto-mining types on one instance (one updated) and a port probe: two families; the update arrives first',
      events: [miningIp, miningUpdate, mining, scan],
      expect: [
        {
          title: 'GuardDuty reconnaissance on i-0a1b2c3d4e5f60718: 1 finding type(s), highest severity 2',
          severity: 'low',
          count: 1,
        },
        {
          title: 'GuardDuty crypto-mining on i-0a1b2c3d4e5f60718: 2 finding type(s), highest severity 8',
          severity: 'high',
          count: 2,
          evidence: ['gd-btc-ip', 'gd-btc'],
          context: {
            'step1.name': 'CryptoCurrency:EC2/BitcoinTool.B',
            'step1.action': 'CryptoCurrency:EC2/BitcoinTool.B',
            'step1.time': '2026-11-20T10:10:00.000Z',
            'step1.principal': '',
            'step2.name': 'CryptoCurrency:EC2/BitcoinTool.B!DNS',
            'step2.action': 'CryptoCurrency:EC2/BitcoinTool.B!DNS',
            'step2.time': '2026-11-20T10:20:00.000Z',
            'step2.principal': '',
            family: 'crypto-mining',
            types: 'CryptoCurrency:EC2/BitcoinTool.B,CryptoCurrency:EC2/BitcoinTool.B!DNS',
            highestSeverity: '8',
            occurrences: '17',
          },
        },
      ],
    },
    {
      name: 'the same family on two instances: two findings',
      events: [
        mining,
        guardDutyFinding({
          id: 'gd-btc-2',
          time: at(1),
          type: 'CryptoCurrency:EC2/BitcoinTool.B!DNS',
          severity: 5,
          resource: { instance: 'i-0ffffeeeedddd1111' },
        }),
      ],
      expect: [
        { title: 'GuardDuty crypto-mining on i-0a1b2c3d4e5f60718: 1 finding type(s), highest severity 8' },
        {
          title: 'GuardDuty crypto-mining on i-0ffffeeeedddd1111: 1 finding type(s), highest severity 5',
          severity: 'medium',
        },
      ],
    },
    {
      name: 'findings of one family 2 hours apart: two incidents, the second rolled up by the daily dedup',
      events: [
        mining,
        guardDutyFinding({
          id: 'gd-btc-3',
          time: at(120),
          type: 'CryptoCurrency:EC2/BitcoinTool.B!DNS',
          severity: 8,
          resource: web,
        }),
      ],
      expect: [
        {
          title: 'GuardDuty crypto-mining on i-0a1b2c3d4e5f60718: 1 finding type(s), highest severity 8',
          count: 1,
        },
        {
          title: 'GuardDuty crypto-mining on i-0a1b2c3d4e5f60718: 1 finding type(s), highest severity 8',
          count: 2,
        },
      ],
    },
    {
      name: 'an archived finding',
      events: [
        { ...(mining as object), service: { ...(mining as { service: object }).service, archived: true } },
      ],
      expect: [],
    },
    {
      name: 'an update after the lateness is not part of the incident',
      events: [
        mining,
        guardDutyFinding({
          id: 'gd-tick',
          time: at(90),
          type: 'Recon:EC2/Portscan',
          severity: 5,
          resource: { instance: 'i-0ffffeeeedddd1111' },
        }),
        miningIp,
      ],
      expect: [
        { title: 'GuardDuty crypto-mining on i-0a1b2c3d4e5f60718: 1 finding type(s), highest severity 8' },
        { title: 'GuardDuty reconnaissance on i-0ffffeeeedddd1111: 1 finding type(s), highest severity 5' },
      ],
    },
  ]);
}

// guardduty-finding-then-principal-activity
{
  const dev = user(ACCOUNT, 'dev-ci', ATTACKER);
  const principalId = (dev.userIdentity as { principalId: string }).principalId;
  const finding = guardDutyFinding({
    id: 'gp-finding',
    time: at(0),
    type: 'UnauthorizedAccess:IAMUser/TorIPCaller',
    severity: 5,
    resource: { accessKey: 'AKIAQX7LDEVCIXXXXXXX', userName: 'dev-ci', userType: 'IAMUser', principalId },
  });
  const change = call({
    id: 'gp-change',
    time: at(8),
    identity: dev,
    call: 'iam:CreateUser',
    request: { userName: 'svc-backup2' },
  });
  const devArn = `arn:aws:iam::${ACCOUNT}:user/dev-ci`;
  write('guardduty-finding-then-principal-activity', [
    {
      name: 'Tor caller finding, then the user creates a user 8 minutes later (arriving first)',
      events: [change, finding],
      expect: [
        {
          title: `${devArn} called iam:CreateUser 8 minutes after GuardDuty UnauthorizedAccess:IAMUser/TorIPCaller`,
          severity: 'high',
          evidence: ['gp-finding', 'gp-change'],
          context: {
            'step1.name': 'GuardDuty UnauthorizedAccess:IAMUser/TorIPCaller',
            'step1.action': 'UnauthorizedAccess:IAMUser/TorIPCaller',
            'step1.time': '2026-11-20T10:00:00.000Z',
            'step1.principal': 'dev-ci',
            'step2.name': 'change by the same principal',
            'step2.action': 'iam:CreateUser',
            'step2.time': '2026-11-20T10:08:00.000Z',
            'step2.principal': devArn,
            findingType: 'UnauthorizedAccess:IAMUser/TorIPCaller',
            guardDutySeverity: '5',
            guardDutyFindingId: 'gp-finding',
            accessKeyId: 'AKIAQX7LDEVCIXXXXXXX',
          },
        },
      ],
    },
    {
      name: 'several changes after one finding roll up into one finding',
      events: [
        finding,
        change,
        call({
          id: 'gp-change-2',
          time: at(9),
          identity: dev,
          call: 'iam:AttachUserPolicy',
          request: { userName: 'svc-backup2' },
        }),
      ],
      expect: [
        {
          title: `${devArn} called iam:CreateUser 8 minutes after GuardDuty UnauthorizedAccess:IAMUser/TorIPCaller`,
          count: 1,
        },
        {
          title: `${devArn} called iam:CreateUser 8 minutes after GuardDuty UnauthorizedAccess:IAMUser/TorIPCaller`,
          count: 2,
        },
      ],
    },
    {
      name: 'only reads after the finding, and changes by someone else',
      events: [
        finding,
        call({ id: 'gp-read', time: at(5), identity: dev, call: 'iam:ListUsers' }),
        call({
          id: 'gp-bob',
          time: at(6),
          identity: user(ACCOUNT, 'bob', HOME),
          call: 'iam:CreateUser',
          request: { userName: 'x' },
        }),
      ],
      expect: [],
    },
    {
      name: 'a finding about an instance',
      events: [
        guardDutyFinding({
          id: 'gp-instance',
          time: at(0),
          type: 'Backdoor:EC2/C&CActivity.B',
          severity: 8,
          resource: { instance: 'i-0a1b2c3d4e5f60718' },
        }),
        change,
      ],
      expect: [],
    },
    {
      name: 'the change arrives after the lateness',
      events: [
        finding,
        call({ id: 'gp-tick', time: at(30), identity: user(ACCOUNT, 'bob', HOME), call: 'iam:ListUsers' }),
        change,
      ],
      expect: [],
    },
  ]);
}

// flowlog-eni-egress-above-baseline
{
  const eni = 'eni-0f1e2d3c4b5a69788';
  const hourly = (hour: number, bytes: number, dst = '8.8.8.8') =>
    flowLine({ time: T + hour * 3_600_000 + 600_000, eni, src: '10.0.1.15', dst, bytes });
  const history = [-7, -6, -5, -4, -3, -2, -1].map((hour) => hourly(hour, 40_000_000));
  const burst = [
    hourly(0, 900_000_000, '34.117.59.81'),
    hourly(0, 700_000_000, '34.117.59.81'),
    flowLine({ time: T + 1_200_000, eni, src: '10.0.1.15', dst: '104.16.0.1', bytes: 200_000_000 }),
  ];
  write('flowlog-eni-egress-above-baseline', [
    {
      name: 'seven hours of 40 MB, then 1.8 GB in an hour (records out of order)',
      events: [...history, burst[2] as JsonValue, burst[0] as JsonValue, burst[1] as JsonValue],
      expect: [
        {
          title: `${eni} sent 1.7 GiB to the internet in an hour, 45× its usual`,
          severity: 'high',
          count: 3,
          window: { start: T, end: T + 3_600_000 },
          context: {
            'step1.name': 'largest transfers',
            'step1.action': 'ACCEPT',
            'step1.time': '2026-11-20T10:10:00.000Z',
            'step1.principal': '',
            'step1.count': '3',
            bytes: '1800000000',
            baselineBytes: '40000000',
            flows: '3',
            destinations: '34.117.59.81,104.16.0.1',
          },
        },
      ],
    },
    { name: 'the same volume without enough history', events: [...history.slice(4), ...burst], expect: [] },
    {
      name: 'ten times the baseline but under 500 MB',
      events: [...history.map((line) => line.replace(' 40000000 ', ' 4000000 ')), hourly(0, 60_000_000)],
      expect: [],
    },
    {
      name: 'traffic inside the VPC and rejected traffic do not count',
      events: [
        ...history,
        flowLine({ time: T + 600_000, eni, src: '10.0.1.15', dst: '10.0.2.20', bytes: 3_000_000_000 }),
        flowLine({
          time: T + 600_000,
          eni,
          src: '10.0.1.15',
          dst: '34.117.59.81',
          bytes: 3_000_000_000,
          action: 'REJECT',
        }),
      ],
      expect: [],
    },
  ]);
}

// flowlog-threat-list-traffic
{
  const eni = 'eni-0d2e3f4a5b6c7d8e9';
  const file = 'detections/catalog/correlations/flowlog-threat-list-traffic/threat-list.example.txt';
  const out = flowLine({
    time: at(1),
    eni,
    src: '10.0.2.31',
    dst: '45.155.205.233',
    dstPort: 4444,
    bytes: 52_000,
  });
  const back = flowLine({
    time: at(1),
    eni,
    src: '45.155.205.233',
    dst: '10.0.2.31',
    srcPort: 4444,
    dstPort: 49152,
    bytes: 9_000,
  });
  const knock = flowLine({
    time: at(2),
    eni,
    src: '185.220.101.4',
    dst: '10.0.2.31',
    srcPort: 40000,
    dstPort: 22,
    bytes: 60,
    action: 'REJECT',
  });
  write('flowlog-threat-list-traffic', [
    {
      name: 'an instance talks to a listed C2 address (file), and a listed Tor exit knocks on port 22 (inline CIDR)',
      params: { file, cidrs: ['185.220.101.0/24'] },
      events: [knock, back, out],
      expect: [
        { title: `${eni} was probed by listed address 185.220.101.4`, severity: 'low' },
        {
          title: `${eni} exchanged traffic with listed address 45.155.205.233`,
          severity: 'high',
          count: 2,
          window: { start: T, end: at(10) },
          context: {
            'step1.name': 'accepted',
            'step1.action': 'ACCEPT',
            'step1.time': '2026-11-20T10:01:00.000Z',
            'step1.principal': '',
            'step1.count': '2',
            listedAddress: '45.155.205.233',
            bytesOut: '52000',
            bytesIn: '9000',
            ports: '4444',
            accepted: '2',
          },
        },
      ],
    },
    { name: 'no list configured', events: [out, back], expect: [] },
    {
      name: 'addresses not on the list',
      params: { file },
      events: [flowLine({ time: at(1), eni, src: '10.0.2.31', dst: '8.8.8.8', dstPort: 53 })],
      expect: [],
    },
    {
      name: 'a record after the lateness is left out of its window',
      params: { file },
      events: [out, flowLine({ time: at(30), eni, src: '10.0.2.31', dst: '8.8.8.8' }), back],
      expect: [{ title: `${eni} exchanged traffic with listed address 45.155.205.233`, count: 1 }],
    },
  ]);
  writeFileSync(
    new URL(`../../${file}`, import.meta.url),
    '# Example threat list: one address or CIDR per line; # and ; start comments (Spamhaus DROP style).\n' +
      '45.155.205.233        ; C2 seen in the fixtures\n' +
      '192.0.2.0/24\n' +
      'not-an-address  (feed headers like this line are skipped)\n',
  );
}

// flowlog-rejected-connection-spike
{
  const rejected = (index: number, src: string, minute = 1) =>
    flowLine({
      time: at(minute, index % 60),
      eni: `eni-0c3d4e5f6a7b8c9d${index % 3}`,
      src,
      dst: `10.0.4.${10 + (index % 5)}`,
      srcPort: 40000 + index,
      dstPort: [22, 3389, 5432][index % 3],
      bytes: 60,
      action: 'REJECT',
    });
  const spike = Array.from({ length: 210 }, (_, index) => rejected(index, '10.0.9.99'));
  write('flowlog-rejected-connection-spike', [
    {
      name: 'an internal host has 210 connections rejected within a minute (reversed order)',
      events: [...spike].reverse(),
      expect: [
        {
          title: '210 rejected connections from 10.0.9.99 within 5 minutes',
          severity: 'medium',
          count: 210,
          window: { start: T, end: at(5) },
          context: {
            'step1.name': 'first rejected flows',
            'step1.action': 'REJECT',
            'step1.time': '2026-11-20T10:01:00.000Z',
            'step1.principal': '',
            'step1.count': '10',
            srcAddr: '10.0.9.99',
            flows: '210',
            ports: '22,3389,5432',
            targets: '5',
          },
        },
      ],
    },
    { name: '150 rejections', events: spike.slice(0, 150), expect: [] },
    {
      name: 'accepted flows do not count',
      events: spike.map((line) => line.replace(' REJECT ', ' ACCEPT ')),
      expect: [],
    },
    {
      name: '20 rejections after the lateness leave 190',
      events: [
        ...spike.slice(20),
        flowLine({ time: at(20), eni: 'eni-0c3d4e5f6a7b8c9d0', src: '8.8.8.8', dst: '10.0.4.10' }),
        ...spike.slice(0, 20),
      ],
      expect: [],
    },
  ]);
}

// flowlog-delivery-gap
{
  const web = 'eni-0f1e2d3c4b5a69788';
  const app = 'eni-0d2e3f4a5b6c7d8e9';
  const traffic = (eni: string, minute: number) =>
    flowLine({ time: at(minute), eni, src: '10.0.1.15', dst: '10.0.2.20' });
  const appAlive = Array.from({ length: 13 }, (_, index) => noDataLine({ time: at(index * 5), eni: app }));
  write('flowlog-delivery-gap', [
    {
      name: 'web records until 10:10 then silence, app reports every 5 minutes until 11:00 (some out of order)',
      events: [
        traffic(web, 2),
        traffic(web, 0),
        traffic(web, 10),
        ...appAlive.slice(0, 3),
        traffic(web, 9),
        ...appAlive.slice(3),
      ],
      expect: [
        {
          title: `No flow records from ${web} for over 30 minutes (since 2026-11-20T10:11:00.000Z)`,
          severity: 'low',
          context: {
            'step1.name': 'last records before the silence',
            'step1.action': 'ACCEPT',
            'step1.time': '2026-11-20T10:10:00.000Z',
            'step1.principal': '',
            silentSince: '2026-11-20T10:11:00.000Z',
            gapMinutes: '30',
          },
        },
      ],
    },
    {
      name: 'both interfaces keep reporting (NODATA counts)',
      events: [
        ...appAlive,
        ...Array.from({ length: 13 }, (_, index) => noDataLine({ time: at(index * 5 + 1), eni: web })),
      ],
      expect: [],
    },
    {
      name: 'silence at the end of the input is not a gap',
      events: [traffic(web, 0), traffic(app, 1)],
      expect: [],
    },
    {
      name: 'a 25-minute gap with a 20-minute threshold',
      params: { gapMinutes: 20 },
      events: [traffic(web, 0), traffic(web, 25), ...appAlive],
      // The second silence (after 10:25) rolls up into the first finding of the day.
      expect: [
        {
          title: `No flow records from ${web} for over 20 minutes (since 2026-11-20T10:01:00.000Z)`,
          count: 1,
        },
        {
          title: `No flow records from ${web} for over 20 minutes (since 2026-11-20T10:01:00.000Z)`,
          count: 2,
        },
      ],
    },
  ]);
}

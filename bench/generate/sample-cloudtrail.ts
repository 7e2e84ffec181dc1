import {
  apiCall,
  authorizeIngress,
  type CloudTrailRecord,
  consoleLogin,
  type Identity,
  runInstances,
} from './cloudtrail-records.js';
import type { SeededRandom } from './random.js';
import { actors, at, PROD, SANDBOX, signInIdentity, stolenWebCredentials } from './sample-actors.js';
import { background } from './sample-background.js';

/**
 * The sample day's CloudTrail, split by delivery path. Each part covers its own stretch of time
 * (CloudWatch Logs 09:00-09:45, EventBridge 09:45-10:20, S3 10:20-11:05) so a replay that reads the
 * files one after another never sees a story's events behind the watermark.
 *
 *   const { cloudWatchLogs, eventBridge, s3 } = sampleCloudTrail(new SeededRandom(20261124));
 */
export interface CloudTrailSamples {
  /** 111122223333 / us-east-1 only: one CloudWatch Logs log stream. */
  cloudWatchLogs: CloudTrailRecord[];
  /** Both accounts, several regions. */
  eventBridge: CloudTrailRecord[];
  /** 111122223333 / us-east-1 only: one S3 log file. */
  s3: CloudTrailRecord[];
}

export function sampleCloudTrail(random: SeededRandom): CloudTrailSamples {
  return {
    cloudWatchLogs: cloudWatchLogsPart(random),
    eventBridge: eventBridgePart(random),
    s3: s3Part(random),
  };
}

const people = [actors.alice, actors.bob, actors.erin, actors.deploy, actors.ordersLambda];
const region = 'us-east-1';

function byTime(records: CloudTrailRecord[]): CloudTrailRecord[] {
  return records.sort((a, b) => String(a.eventTime).localeCompare(String(b.eventTime)));
}

/** 09:00-09:45: sign-ins (root, without MFA, spraying, brute force) and security groups opened to the world. */
function cloudWatchLogsPart(random: SeededRandom): CloudTrailRecord[] {
  const stories: CloudTrailRecord[] = [];
  const login = (time: number, identity: Identity, success: boolean, mfa: boolean) =>
    consoleLogin(random, { time, account: PROD, identity, success, mfa });
  stories.push(login(at(9, 1, 12), signInIdentity(PROD, 'alice', '198.51.100.14', false), true, true));
  // Root signs in (with MFA) and uses the account: any root use is worth a look.
  stories.push(login(at(9, 3, 12), actors.root, true, true));
  stories.push(
    apiCall(random, {
      time: at(9, 4, 5),
      account: PROD,
      region,
      identity: actors.root,
      call: 'iam:GetAccountSummary',
      readOnly: true,
      fromConsole: true,
    }),
  );
  stories.push(login(at(9, 6, 40), signInIdentity(PROD, 'bob', '198.51.100.15', false), true, true));
  // carol signs in with a password only.
  stories.push(login(at(9, 8, 40), signInIdentity(PROD, 'carol', '198.51.100.16', false), true, false));
  // Password spraying: one address tries 12 user names within 8 minutes.
  const sprayed = [
    'alice',
    'bob',
    'carol',
    'dave',
    'erin',
    'frank',
    'grace',
    'heidi',
    'ivan',
    'judy',
    'ken',
    'laura',
  ];
  sprayed.forEach((name, index) => {
    stories.push(
      login(at(9, 12, 0) + index * 41_000, signInIdentity(PROD, name, '203.0.113.45', true), false, false),
    );
  });
  // Brute force: 15 failed passwords for dave within 7 minutes.
  for (let i = 0; i < 15; i += 1) {
    stories.push(
      login(at(9, 25, 3) + i * 28_000, signInIdentity(PROD, 'dave', '198.51.100.23', true), false, false),
    );
  }
  // Security groups: SSH and RDP opened to the internet, one internal rule, one refused attempt.
  const ingress = (
    time: number,
    identity: Identity,
    groupId: string,
    port: number,
    cidr: string,
    description: string,
  ) => authorizeIngress(random, { time, account: PROD, region, identity, groupId, port, cidr, description });
  stories.push(
    ingress(at(9, 36, 10), actors.erin, 'sg-0b7e1c2d3a4f56789', 22, '0.0.0.0/0', 'temp ssh debug web'),
  );
  stories.push(ingress(at(9, 38, 30), actors.erin, 'sg-0c9d8e7f6a5b4c3d2', 3389, '::/0', 'rdp from home'));
  stories.push(
    ingress(at(9, 40, 5), actors.deploy, 'sg-0d1e2f3a4b5c6d7e8', 5432, '10.0.0.0/8', 'postgres from vpc'),
  );
  stories.push(
    authorizeIngress(random, {
      time: at(9, 41, 0),
      account: PROD,
      region,
      identity: actors.carol,
      groupId: 'sg-0b7e1c2d3a4f56789',
      port: 22,
      cidr: '0.0.0.0/0',
      description: 'ssh',
      error: {
        code: 'Client.UnauthorizedOperation',
        message:
          'You are not authorized to perform this operation. User: arn:aws:iam::111122223333:user/carol is not authorized to perform: ec2:AuthorizeSecurityGroupIngress',
      },
    }),
  );
  const routine = background(random, {
    from: at(9, 0),
    to: at(9, 45),
    count: 420,
    account: PROD,
    regions: [region],
    actors: [...people, actors.carol],
    agent: actors.webInstance,
  });
  return byTime([...routine, ...stories]);
}

/** 09:45-10:20: an admin instance profile, a large-instance burst, launches outside policy, GuardDuty turned off. */
function eventBridgePart(random: SeededRandom): CloudTrailRecord[] {
  const stories: CloudTrailRecord[] = [];
  const prodCall = (
    time: number,
    identity: Identity,
    call: string,
    request: CloudTrailRecord,
    response?: CloudTrailRecord,
  ) =>
    apiCall(random, {
      time,
      account: PROD,
      region,
      identity,
      call,
      readOnly: false,
      request,
      ...(response ? { response } : {}),
    });
  // A harmless detector change (publishing frequency): GuardDuty stays on.
  stories.push(
    prodCall(at(9, 48, 20), actors.erin, 'guardduty:UpdateDetector', {
      detectorId: 'a2c4e6f8b0d2e4f6a8c0e2f4a6b8c0d2',
      enable: true,
      findingPublishingFrequency: 'FIFTEEN_MINUTES',
    }),
  );
  // erin builds a role with AdministratorAccess, wraps it in an instance profile, then launches with it.
  const trust =
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}';
  stories.push(
    prodCall(
      at(9, 50, 10),
      actors.erin,
      'iam:CreateRole',
      { roleName: 'build-runner', assumeRolePolicyDocument: trust, description: 'CI build runners' },
      {
        role: {
          path: '/',
          roleName: 'build-runner',
          roleId: 'AROAQX7L2M4N6P8RBUILD',
          arn: `arn:aws:iam::${PROD}:role/build-runner`,
          createDate: 'Nov 24, 2026, 9:50:10 AM',
          assumeRolePolicyDocument: encodeURIComponent(trust),
        },
      },
    ),
  );
  stories.push(
    prodCall(at(9, 50, 40), actors.erin, 'iam:AttachRolePolicy', {
      roleName: 'build-runner',
      policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
    }),
  );
  stories.push(
    prodCall(
      at(9, 51, 5),
      actors.erin,
      'iam:CreateInstanceProfile',
      { instanceProfileName: 'build-runner-profile' },
      {
        instanceProfile: {
          path: '/',
          instanceProfileName: 'build-runner-profile',
          instanceProfileId: 'AIPAQX7L2M4N6P8RBUILD',
          arn: `arn:aws:iam::${PROD}:instance-profile/build-runner-profile`,
          createDate: 'Nov 24, 2026, 9:51:05 AM',
          roles: [],
        },
      },
    ),
  );
  stories.push(
    prodCall(at(9, 51, 20), actors.erin, 'iam:AddRoleToInstanceProfile', {
      instanceProfileName: 'build-runner-profile',
      roleName: 'build-runner',
    }),
  );
  const tags = { Name: 'build-runner', owner: 'platform', 'cost-center': 'cc-1042' };
  const launch = {
    imageId: 'ami-0c7d68785ec07306c',
    subnetId: 'subnet-0e1f2a3b4c5d6e7fa',
    securityGroupId: 'sg-0a9b8c7d6e5f4a3b2',
  };
  stories.push(
    runInstances(random, {
      ...launch,
      time: at(9, 56, 30),
      account: PROD,
      region,
      identity: actors.erin,
      instanceType: 'm6i.large',
      instanceIds: ['i-0b2c3d4e5f6a78901'],
      privateIps: ['10.0.1.77'],
      tags,
      instanceProfileArn: `arn:aws:iam::${PROD}:instance-profile/build-runner-profile`,
    }),
  );
  // Sandbox: ci-deploy launches 6 large instances in 5 calls within 4 minutes.
  const burst: [number, string, string[]][] = [
    [at(10, 0, 40), 'c6i.8xlarge', ['i-0c1a2b3c4d5e6f701', 'i-0c1a2b3c4d5e6f702']],
    [at(10, 1, 25), 'm6i.12xlarge', ['i-0c1a2b3c4d5e6f703']],
    [at(10, 2, 10), 'r6i.16xlarge', ['i-0c1a2b3c4d5e6f704']],
    [at(10, 3, 0), 'c7g.8xlarge', ['i-0c1a2b3c4d5e6f705']],
    [at(10, 3, 50), 'm7g.16xlarge', ['i-0c1a2b3c4d5e6f706']],
  ];
  for (const [time, instanceType, instanceIds] of burst) {
    stories.push(
      runInstances(random, {
        ...launch,
        time,
        account: SANDBOX,
        region,
        identity: actors.ciDeploy,
        instanceType,
        instanceIds,
        privateIps: instanceIds.map((_, index) => `10.20.4.${40 + index}`),
        tags: { Name: 'load-test', owner: 'ci', 'cost-center': 'cc-2001' },
      }),
    );
  }
  // Launches outside policy: a forbidden region, an unapproved type, and one without owner/cost-center.
  stories.push(
    runInstances(random, {
      ...launch,
      time: at(10, 7, 15),
      account: SANDBOX,
      region: 'ap-east-1',
      subnetId: 'subnet-0f9e8d7c6b5a49382',
      identity: actors.grace,
      instanceType: 't3.micro',
      instanceIds: ['i-0d9e8f7a6b5c4d3e2'],
      privateIps: ['10.30.1.12'],
      tags: { Name: 'latency-probe', owner: 'grace', 'cost-center': 'cc-2001' },
    }),
  );
  stories.push(
    runInstances(random, {
      ...launch,
      time: at(10, 11, 30),
      account: PROD,
      region,
      identity: actors.alice,
      instanceType: 'p4d.24xlarge',
      instanceIds: ['i-0e1f2a3b4c5d6e7f8'],
      privateIps: ['10.0.2.90'],
      tags: { Name: 'ml-training', owner: 'alice', 'cost-center': 'cc-3300' },
    }),
  );
  stories.push(
    runInstances(random, {
      ...launch,
      time: at(10, 14, 45),
      account: PROD,
      region: 'us-west-2',
      subnetId: 'subnet-0a1b2c3d4e5f6a7b8',
      identity: actors.bob,
      instanceType: 't3.medium',
      instanceIds: ['i-0f0e1d2c3b4a59687'],
      privateIps: ['10.1.1.33'],
      tags: { Name: 'bob-scratch' },
    }),
  );
  // temp-contractor starts covering tracks: GuardDuty off in us-west-2 (continues in the S3 part).
  stories.push(
    apiCall(random, {
      time: at(10, 18, 20),
      account: PROD,
      region: 'us-west-2',
      identity: actors.contractor,
      call: 'guardduty:UpdateDetector',
      readOnly: false,
      request: { detectorId: 'b4d6f8a0c2e4a6b8d0f2a4c6e8b0d2f4', enable: false },
    }),
  );
  const routine = [
    ...background(random, {
      from: at(9, 45),
      to: at(10, 20),
      count: 90,
      account: PROD,
      regions: [region, 'us-west-2', 'eu-west-1'],
      actors: people,
      readShare: 0.7,
    }),
    ...background(random, {
      from: at(9, 45),
      to: at(10, 20),
      count: 50,
      account: SANDBOX,
      regions: [region, 'us-west-2'],
      actors: [actors.ciDeploy, actors.grace],
      readShare: 0.7,
    }),
  ];
  return byTime([...routine, ...stories]);
}

/** 10:20-11:05: logging and GuardDuty tampering, a new admin user, and stolen instance credentials. */
function s3Part(random: SeededRandom): CloudTrailRecord[] {
  const stories: CloudTrailRecord[] = [];
  const contractor = (time: number, call: string, request: CloudTrailRecord, response?: CloudTrailRecord) =>
    apiCall(random, {
      time,
      account: PROD,
      region,
      identity: actors.contractor,
      call,
      readOnly: false,
      request,
      ...(response ? { response } : {}),
    });
  const trailArn = `arn:aws:cloudtrail:us-east-1:${PROD}:trail/management-events`;
  stories.push(contractor(at(10, 25, 0), 'cloudtrail:StopLogging', { name: trailArn }));
  const selectors = [
    {
      readWriteType: 'ReadOnly',
      includeManagementEvents: true,
      dataResources: [],
      excludeManagementEventSources: [],
    },
  ];
  stories.push(
    contractor(
      at(10, 27, 30),
      'cloudtrail:PutEventSelectors',
      { trailName: 'management-events', eventSelectors: selectors },
      { trailARN: trailArn, eventSelectors: selectors },
    ),
  );
  stories.push(
    contractor(at(10, 30, 15), 'guardduty:DeleteDetector', {
      detectorId: 'a2c4e6f8b0d2e4f6a8c0e2f4a6b8c0d2',
    }),
  );
  stories.push(
    contractor(
      at(10, 40, 0),
      'iam:CreateUser',
      { userName: 'svc-backup' },
      {
        user: {
          path: '/',
          userName: 'svc-backup',
          userId: 'AIDAQX7L2M4N6P8RSVCBK',
          arn: `arn:aws:iam::${PROD}:user/svc-backup`,
          createDate: 'Nov 24, 2026, 10:40:00 AM',
        },
      },
    ),
  );
  stories.push(
    contractor(at(10, 41, 10), 'iam:AttachUserPolicy', {
      userName: 'svc-backup',
      policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
    }),
  );
  // The web server's role credentials, stolen after GuardDuty reported SSH brute force on it, used from outside.
  const stolen = (
    time: number,
    call: string,
    readOnly: boolean,
    request: CloudTrailRecord | null,
    error?: string,
  ) =>
    apiCall(random, {
      time,
      account: PROD,
      region,
      identity: stolenWebCredentials,
      call,
      readOnly,
      ...(request ? { request } : {}),
      ...(error
        ? {
            error: {
              code: 'AccessDenied',
              message: `User: arn:aws:sts::${PROD}:assumed-role/web-app-role/i-0a1b2c3d4e5f67890 is not authorized to perform: ${call} on resource: ${error} because no identity-based policy allows the ${call} action`,
            },
          }
        : {}),
    });
  stories.push(stolen(at(11, 2, 10), 'sts:GetCallerIdentity', true, null));
  stories.push(stolen(at(11, 2, 45), 'iam:ListAttachedRolePolicies', true, { roleName: 'web-app-role' }));
  stories.push(stolen(at(11, 3, 20), 's3:ListBuckets', true, { Host: 's3.amazonaws.com' }));
  stories.push(stolen(at(11, 3, 58), 'secretsmanager:ListSecrets', true, { maxResults: 100 }));
  stories.push(stolen(at(11, 4, 30), 'ec2:DescribeInstances', true, { instancesSet: {}, filterSet: {} }));
  stories.push(
    stolen(
      at(11, 5, 0),
      'iam:CreateUser',
      false,
      { userName: 'backup-admin' },
      `arn:aws:iam::${PROD}:user/backup-admin`,
    ),
  );
  const routine = [
    ...background(random, {
      from: at(10, 20),
      to: at(10, 58),
      count: 380,
      account: PROD,
      regions: [region],
      actors: people,
      agent: actors.webInstance,
    }),
    // The web server's agent is quiet from here on, so every later use of its credentials is the attacker's.
    ...background(random, {
      from: at(10, 58),
      to: at(11, 4, 50),
      count: 60,
      account: PROD,
      regions: [region],
      actors: people,
    }),
  ];
  return byTime([...routine, ...stories]);
}

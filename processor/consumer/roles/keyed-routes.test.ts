import { EMPTY } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { Detection, Route } from '../../../detections/api.js';
import type { SecurityEvent } from '../../../schemas/types.js';
import { runInstancesRecord } from '../../../test/cloudtrail.js';
import { testEvent } from '../../../test/events.js';
import { DEFAULT_CONFIG } from '../../cli/config.js';
import { enabledDetections } from '../../cli/detections.js';
import { emptyFlowRecord } from '../../decode/flow-event.js';
import { decodeJson } from '../../decode/index.js';
import { KeyedRoutes } from './keyed-routes.js';

const ACCOUNT = '111122223333';
const stateful = enabledDetections(DEFAULT_CONFIG).detections.filter((detection) => detection.stateful);
const catalogRoutes = new KeyedRoutes(stateful);

/** A stateful detection that finds nothing: only its routes and key matter here. */
function tiny(id: string, routes: Route[], partitionKey?: (event: SecurityEvent) => string): Detection {
  return {
    id,
    title: id,
    description: 'test only',
    severity: 'low',
    mitre: [],
    runbook: 'https://example.com/test',
    remediation: 'None: test only.',
    routes,
    stateful: partitionKey ? { partitionKey } : {},
    operator: () => () => EMPTY,
  };
}

const alice = {
  type: 'IAMUser',
  arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
  name: 'alice',
  account: ACCOUNT,
  sessionIssuer: null,
  mfa: false,
  accessKeyId: null,
};

const failedLogin = testEvent({
  id: 'login-1',
  time: 1_000,
  action: 'signin:ConsoleLogin',
  principal: alice,
  srcIp: '203.0.113.7',
  errorCode: 'Failed authentication',
});

function runInstances(): SecurityEvent {
  const result = decodeJson(runInstancesRecord(ACCOUNT, Date.UTC(2026, 10, 24, 11, 5), 'p4d.24xlarge', 1), {
    input: 'test',
    offset: '0',
  });
  expect(result.deadLetters).toEqual([]);
  return result.events[0] as SecurityEvent;
}

describe('KeyedRoutes over the stateful catalog', () => {
  it('has the stateful detections this test expects', () => {
    expect(stateful.map((detection) => detection.id).sort()).toEqual([
      'access-denied-then-succeeded',
      'account-new-region-used',
      'bedrock-models-enumerated-across-regions',
      'cognito-refresh-token-new-network',
      'ec2-console-output-collected',
      'ec2-instance-admin-profile',
      'ec2-instance-connect-multiple-instances',
      'ec2-instance-credentials-discovery-burst',
      'ec2-instance-credentials-new-origin',
      'ec2-instances-mass-stopped-or-terminated',
      'ec2-large-instance-burst',
      'ec2-password-data-read',
      'ec2-user-data-read-burst',
      'ec2-user-data-script-run',
      'ec2-user-data-swap',
      'flowlog-delivery-gap',
      'flowlog-eni-egress-above-baseline',
      'flowlog-port-scan',
      'flowlog-rejected-connection-spike',
      'flowlog-threat-list-traffic',
      'guardduty-finding-then-principal-activity',
      'guardduty-findings-by-family',
      'guardduty-instance-compromise-credential-use',
      'iam-access-denied-recon',
      'iam-enumeration-burst',
      'iam-passrole-admin-to-compute',
      'iam-user-backdoor-chain',
      'mass-destruction-by-principal',
      's3-bucket-exposed-after-block-removed',
      's3-object-deletion-burst',
      's3-objects-encrypted-with-customer-key',
      'secretsmanager-secret-read-burst',
      'security-tools-enumerated',
      'ses-enumeration',
      'signin-console-brute-force',
      'signin-new-country-or-network',
      'signin-no-mfa-session-security-changes',
      'signin-password-spraying',
      'ssm-parameter-decrypt-burst',
      'ssm-send-command-multiple-instances',
      'ssm-session-multiple-instances',
      'sts-assume-role-burst',
    ]);
  });

  it('wants what a stateful detection or the state cache routes on, nothing else', () => {
    expect(catalogRoutes.wants('cloudtrail', 'signin:ConsoleLogin')).toBe(true);
    expect(catalogRoutes.wants('cloudtrail', 'ec2:RunInstances')).toBe(true);
    // guardduty-instance-compromise-credential-use routes every CloudTrail action and every finding.
    expect(catalogRoutes.wants('cloudtrail', 's3:GetObject')).toBe(true);
    expect(catalogRoutes.wants('guardduty', 'UnauthorizedAccess:EC2/TorClient')).toBe(true);
    expect(catalogRoutes.wants('flowlog', 'REJECT')).toBe(true);
    expect(catalogRoutes.wants('flowlog', 'ACCEPT')).toBe(true);
    // flowlog-delivery-gap counts every record of an interface as a heartbeat, idle intervals included.
    expect(catalogRoutes.wants('flowlog', 'NODATA')).toBe(true);
    expect(catalogRoutes.wants('flowlog', 'SKIPDATA')).toBe(true);
  });

  it('keys a failed ConsoleLogin by account (brute force) and source IP (spraying) only', () => {
    // The credential-use correlation ignores calls that are not made with an instance's credentials.
    expect(catalogRoutes.keysOf(failedLogin)).toEqual([ACCOUNT, '203.0.113.7']);
  });

  it('publishes a ConsoleLogin without source IP for the account-keyed detections only', () => {
    expect(catalogRoutes.keysOf({ ...failedLogin, srcIp: null, principal: null })).toEqual([ACCOUNT]);
  });

  it('keys a RunInstances by account', () => {
    const event = runInstances();
    expect(event.action).toBe('ec2:RunInstances');
    expect(catalogRoutes.keysOf(event)).toEqual([ACCOUNT]);
  });

  it("keys a call made with an instance's role credentials by the instance, for the credential-use correlation", () => {
    const instance = 'i-0123456789abcdef0';
    const stolen = testEvent({
      id: 'call-1',
      time: 1_000,
      action: 's3:ListBuckets',
      srcIp: '198.51.100.9',
      principal: {
        ...alice,
        type: 'AssumedRole',
        name: instance,
        arn: `arn:aws:sts::${ACCOUNT}:assumed-role/web/${instance}`,
      },
    });
    // The account key is account-new-region-used's (it learns every call's region).
    expect(catalogRoutes.keysOf(stolen)).toEqual([ACCOUNT, instance]);
    // The same call without an IP address (an AWS service acting for the role) is not the instance's.
    expect(catalogRoutes.keysOf({ ...stolen, srcIp: 'ec2.amazonaws.com' })).toEqual([ACCOUNT]);
  });

  it('keys a GuardDuty finding by its instance', () => {
    const finding = testEvent({
      id: 'gd-1',
      time: 1_000,
      source: 'guardduty',
      action: 'UnauthorizedAccess:EC2/TorClient',
      guardduty: {
        type: 'UnauthorizedAccess:EC2/TorClient',
        severity: 8,
        title: null,
        resourceType: 'Instance',
        resourceId: 'i-0123456789abcdef0',
        actionType: null,
        remoteIp: null,
        count: 1,
        firstSeen: null,
        lastSeen: null,
        archived: null,
      },
    });
    expect(catalogRoutes.keysOf(finding)).toEqual(['i-0123456789abcdef0']);
  });

  it('keys a flow record by its interface, and a rejected probe also by its source address', () => {
    const flow = {
      ...emptyFlowRecord(),
      version: 2,
      interfaceId: 'eni-0a1b2c3d',
      srcAddr: '198.51.100.7',
      dstAddr: '10.0.1.5',
      srcPort: 49152,
      dstPort: 22,
      protocol: 6,
      packets: 1,
      bytes: 40,
      start: 1_000,
      end: 61_000,
      action: 'REJECT',
      logStatus: 'OK',
    };
    const reject = testEvent({ id: 'flow-1', time: 1_000, source: 'flowlog', action: 'REJECT', flow });
    expect(catalogRoutes.keysOf(reject)).toEqual(['198.51.100.7', 'eni-0a1b2c3d']);
    const idle = {
      ...flow,
      srcAddr: null,
      dstAddr: null,
      srcPort: null,
      dstPort: null,
      action: null,
      logStatus: 'NODATA',
    };
    expect(catalogRoutes.keysOf({ ...reject, action: 'NODATA', flow: idle })).toEqual(['eni-0a1b2c3d']);
  });
});

describe('KeyedRoutes with hand-made detections', () => {
  const bySourceIp = tiny('by-ip', [{ source: 'cloudtrail', actions: ['signin:ConsoleLogin'] }], (e) =>
    String(e.srcIp ?? ''),
  );
  const byAccount = tiny('by-account', [{ source: 'cloudtrail', actions: ['signin:ConsoleLogin'] }]);
  const routes = new KeyedRoutes([bySourceIp, byAccount]);

  it('publishes an event once per distinct key, sorted', () => {
    expect(routes.keysOf(failedLogin)).toEqual([ACCOUNT, '203.0.113.7']);
    const sameKey = new KeyedRoutes([byAccount, tiny('also-account', byAccount.routes.slice())]);
    expect(sameKey.keysOf(failedLogin)).toEqual([ACCOUNT]);
  });

  it('keys an event only the state cache learns from by account', () => {
    const createTags = testEvent({ id: 'tags-1', time: 1_000, action: 'ec2:CreateTags', principal: alice });
    expect(routes.wants('cloudtrail', 'ec2:CreateTags')).toBe(true);
    expect(routes.keysOf(createTags)).toEqual([ACCOUNT]);
    expect(routes.keysOf({ ...createTags, account: null })).toEqual(['none']);
    // RunInstances: the state cache only, here (no detection routes on it).
    expect(routes.keysOf(runInstances())).toEqual([ACCOUNT]);
  });

  it('wants nothing nobody routes on', () => {
    expect(routes.wants('cloudtrail', 'iam:CreateUser')).toBe(false);
    expect(routes.keysOf(testEvent({ id: 'u-1', time: 1_000, action: 'iam:CreateUser' }))).toEqual([]);
    expect(routes.wants('guardduty', 'Recon:EC2/PortProbeUnprotectedPort')).toBe(false);
    expect(new KeyedRoutes([]).keysOf(failedLogin)).toEqual([]);
  });
});

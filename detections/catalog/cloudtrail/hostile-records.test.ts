import { describe, expect, it } from 'vitest';
import { decodeJson } from '../../../processor/decode/index.js';
import { runDetection } from '../../../processor/pipeline/fixtures.js';
import type { JsonValue, SecurityEvent } from '../../../schemas/types.js';
import { catalog } from '../index.js';

// Parameter names the catalog reads, so the fuzzed records reach deep into each detection's match.
const KEYS = [
  'groupId',
  'groupName',
  'ipPermissions',
  'items',
  'ipRanges',
  'ipv6Ranges',
  'cidrIp',
  'cidrIpv6',
  'fromPort',
  'toPort',
  'ipProtocol',
  'prefixListIds',
  'groups',
  'ModifySecurityGroupRulesRequest',
  'GroupId',
  'SecurityGroupRule',
  'CidrIpv4',
  'name',
  'trailName',
  'eventSelectors',
  'advancedEventSelectors',
  'fieldSelectors',
  'field',
  'equals',
  'includeManagementEvents',
  'readWriteType',
  'detectorId',
  'enable',
  'features',
  'dataSources',
  'findingIds',
  'action',
  'accountIds',
  'AccountIds',
  'Actions',
  'FindingFieldsUpdate',
  'Workflow',
  'Status',
  'Filters',
  'FindingIdentifiers',
  'StandardsControlAssociationUpdates',
  'logGroupName',
  'filterName',
  'retentionInDays',
  'alarmNames',
  'state',
  'policyId',
  'content',
  'Statement',
  'Principal',
  'AWS',
  'Effect',
  'resourceArn',
  'cidrBlock',
  'ruleAction',
  'egress',
  'portRange',
  'from',
  'to',
  'aclProtocol',
  'destinationCidrBlock',
  'gatewayId',
  'instanceId',
  'vpcPeeringConnection',
  'requesterVpcInfo',
  'ownerId',
  'PolicyDocument',
  'AddAllowedPrincipals',
  'DeleteFlowLogsRequest',
  'FlowLogId',
  'content',
  'logging',
  'clusterLogging',
  'types',
  'attributes',
  'key',
  'value',
  'loadBalancerAttributes',
  'recordingGroup',
  'configurationRecorder',
  'loggingConfig',
  'RegionName',
  'AlternateContactType',
  'subnetIds',
  'vpcEndpointAccountId',
  'userIdentity',
  'accountId',
];

/** A deterministic PRNG (mulberry32), so a failure names a reproducible record. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hostileValue(next: () => number, depth: number): JsonValue {
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)] as T;
  const leaves: JsonValue[] = [
    null,
    true,
    false,
    0,
    -1,
    1.5,
    70000,
    '',
    'false',
    '*',
    '0.0.0.0/0',
    '::/0',
    'x/99',
    '-1',
    'sg-1',
    'ARCHIVE',
    'DISABLED',
    'SECURITY',
    '{"Statement":"*"}',
    '%7B',
    'AwsVpceEvent',
    'arn:aws:iam::999988887777:root',
  ];
  const roll = next();
  if (depth >= 4 || roll < 0.35) return pick(leaves);
  if (roll < 0.55) return Array.from({ length: Math.floor(next() * 4) }, () => hostileValue(next, depth + 1));
  const object: Record<string, JsonValue> = {};
  for (let i = Math.floor(next() * 6); i > 0; i--) object[pick(KEYS)] = hostileValue(next, depth + 1);
  return object;
}

function hostileRecords(action: string, seed: number, count: number): SecurityEvent[] {
  const next = random(seed);
  const [service = 'ec2', eventName = 'RunInstances'] = action.split(':');
  return Array.from({ length: count }, (_, index) => {
    const record: JsonValue = {
      eventVersion: '1.09',
      eventTime: `2026-11-24T10:${String(index % 60).padStart(2, '0')}:00Z`,
      eventSource: `${service}.amazonaws.com`,
      eventName,
      eventID: `hostile-${seed}-${index}`,
      awsRegion: next() < 0.2 ? 'xx-weird-9' : 'us-east-1',
      sourceIPAddress: next() < 0.5 ? 'AWS Internal' : '203.0.113.9',
      userAgent: next() < 0.5 ? '' : 'odd/1.0',
      eventType: next() < 0.5 ? 'AwsVpceEvent' : 'AwsApiCall',
      recipientAccountId: '111122223333',
      userIdentity: hostileValue(next, 2),
      requestParameters: hostileValue(next, 0),
      responseElements: hostileValue(next, 0),
      ...(next() < 0.3 ? { errorCode: 'AccessDenied' } : {}),
      vpcEndpointId: 'vpce-1',
      vpcEndpointAccountId: hostileValue(next, 3),
    };
    return decodeJson(record, { input: 'hostile', offset: String(index) }).events;
  }).flat();
}

describe('catalog CloudTrail detections on hostile records', () => {
  const cloudTrail = catalog.filter(({ detection }) =>
    detection.routes.some((route) => route.source === 'cloudtrail'),
  );

  it.each(cloudTrail.map(({ detection }) => [detection.id, detection] as const))(
    '%s never throws, whatever shape the request and response take',
    (_id, detection) => {
      const actions = detection.routes.flatMap((route) =>
        route.actions === '*' ? ['s3:GetObject', 'ec2:RunInstances'] : route.actions,
      );
      const events = actions.flatMap((action, index) => hostileRecords(action, index + 1, 15));
      expect(events.length).toBeGreaterThan(0);
      expect(() => runDetection(detection, events)).not.toThrow();
    },
  );
});

import { describe, expect, it } from 'vitest';
import { WatermarkClock } from '../../processor/pipeline/watermarks.js';
import { DEFAULT_STATE_OPTIONS, StateCache } from '../../processor/state/index.js';
import type { Detection, DetectionParams } from '../api.js';
import { catalog } from './index.js';

function build(detection: Detection, params: DetectionParams) {
  const clock = new WatermarkClock(300_000);
  const state = new StateCache({ ...DEFAULT_STATE_OPTIONS, now: () => clock.latest });
  return () => detection.operator({ clock, state, params });
}

function detectionById(id: string): Detection {
  const entry = catalog.find((candidate) => candidate.detection.id === id);
  if (!entry) throw new Error(`no catalog detection ${id}`);
  return entry.detection;
}

/** The param names a detection reads when its operator is built. */
function paramsRead(detection: Detection): string[] {
  const names = new Set<string>();
  const params = new Proxy<DetectionParams>(
    {},
    {
      get(_target, name) {
        if (typeof name === 'string') names.add(name);
        return undefined;
      },
    },
  );
  build(detection, params)();
  return [...names].sort();
}

/** [detection id, param, bad value, message after `detections.<id>.params.<param>: `]: one per param. */
const BAD_VALUES: readonly (readonly [string, string, unknown, string])[] = [
  [
    'ec2-instance-admin-profile',
    'adminProfiles',
    'admin',
    'expected a list of non-empty strings, got "admin"',
  ],
  ['ec2-instance-forbidden-region', 'allowedRegions', [''], 'expected a list of non-empty strings, got [""]'],
  ['ec2-instance-missing-tags', 'requiredTags', {}, 'expected a list of non-empty strings, got {}'],
  ['ec2-instance-unapproved-type', 'approvedFamilies', [3], 'expected a list of non-empty strings, got [3]'],
  ['ec2-large-instance-burst', 'moreThan', -1, 'expected a non-negative integer, got -1'],
  ['ec2-large-instance-burst', 'minSize', '8', 'expected a positive integer, got "8"'],
  ['ec2-large-instance-burst', 'windowMinutes', 0, 'expected a positive integer, got 0'],
  [
    'ec2-security-group-open-to-world',
    'sensitivePorts',
    ['22'],
    'expected a list of port numbers 0-65535, got ["22"]',
  ],
  [
    'ec2-security-group-open-to-world',
    'webPorts',
    [70000],
    'expected a list of port numbers 0-65535, got [70000]',
  ],
  ['guardduty-findings-suppressed', 'minArchived', 0, 'expected a positive integer, got 0'],
  ['securityhub-findings-suppressed', 'minFindings', '10', 'expected a positive integer, got "10"'],
  [
    'cloudwatch-logs-tampered',
    'securityLogGroups',
    'aws-cloudtrail-logs*',
    'expected a list of non-empty strings, got "aws-cloudtrail-logs*"',
  ],
  ['cloudwatch-logs-tampered', 'minRetentionDays', -1, 'expected a positive integer, got -1'],
  ['shardwatch-feed-disrupted', 'feedLogGroups', [''], 'expected a list of non-empty strings, got [""]'],
  ['shardwatch-feed-disrupted', 'feedResources', [1], 'expected a list of non-empty strings, got [1]'],
  ['cloudwatch-alarms-disabled', 'securityAlarms', {}, 'expected a list of non-empty strings, got {}'],
  ['eventbridge-rule-disabled', 'securityRules', null, 'expected a list of non-empty strings, got null'],
  ['iam-password-policy-weakened', 'minLength', 13.5, 'expected a positive integer, got 13.5'],
  ['iam-password-policy-weakened', 'minReusePrevention', 0, 'expected a positive integer, got 0'],
  [
    'account-region-enabled',
    'expectedRegions',
    'af-south-1',
    'expected a list of non-empty strings, got "af-south-1"',
  ],
  [
    'ec2-security-group-changed-manually',
    'automationUserAgents',
    [''],
    'expected a list of non-empty strings, got [""]',
  ],
  [
    'ec2-network-acl-open-to-world',
    'sensitivePorts',
    [-1],
    'expected a list of port numbers 0-65535, got [-1]',
  ],
  [
    'ec2-network-changed-manually',
    'automationUserAgents',
    'terraform',
    'expected a list of non-empty strings, got "terraform"',
  ],
  [
    'ec2-vpc-peering-external',
    'trustedAccounts',
    [444455556666],
    'expected a list of 12-digit account ids (as strings), got [444455556666]',
  ],
  [
    'ec2-vpc-endpoint-exposed',
    'trustedAccounts',
    ['4444'],
    'expected a list of 12-digit account ids (as strings), got ["4444"]',
  ],
  ['signin-console-brute-force', 'minFailures', 2.5, 'expected a positive integer, got 2.5'],
  ['signin-console-brute-force', 'windowMinutes', 0, 'expected a positive integer, got 0'],
  ['signin-password-spraying', 'minUsers', 0, 'expected a positive integer, got 0'],
  ['signin-password-spraying', 'windowMinutes', '10', 'expected a positive integer, got "10"'],
  [
    'flowlog-inbound-admin-port-from-internet',
    'ports',
    [],
    'expected a non-empty list of port numbers 0-65535, got []',
  ],
  ['flowlog-port-scan', 'minPorts', '25', 'expected a positive integer, got "25"'],
  ['flowlog-port-scan', 'windowMinutes', 1.5, 'expected a positive integer, got 1.5'],
  ['guardduty-high-severity-finding', 'minSeverity', 11, 'expected a number from 0 to 10, got 11'],
  ['guardduty-high-severity-finding', 'criticalSeverity', -1, 'expected a number from 0 to 10, got -1'],
  [
    'snapshot-or-image-shared',
    'trustedAccounts',
    [123456789012],
    'expected a list of 12-digit account ids (as strings), got [123456789012]',
  ],
  [
    'resource-policy-opened',
    'trustedAccounts',
    [123456789012],
    'expected a list of 12-digit account ids (as strings), got [123456789012]',
  ],
  [
    's3-object-copied-to-external-account',
    'trustedAccounts',
    [123456789012],
    'expected a list of 12-digit account ids (as strings), got [123456789012]',
  ],
  [
    's3-object-encrypted-with-external-kms-key',
    'trustedAccounts',
    [123456789012],
    'expected a list of 12-digit account ids (as strings), got [123456789012]',
  ],
  [
    's3-replication-to-external-account',
    'trustedAccounts',
    [123456789012],
    'expected a list of 12-digit account ids (as strings), got [123456789012]',
  ],
  [
    'ec2-shared-snapshot-copied-externally',
    'trustedAccounts',
    [123456789012],
    'expected a list of 12-digit account ids (as strings), got [123456789012]',
  ],
  [
    'kms-grant-to-external-principal',
    'trustedAccounts',
    [123456789012],
    'expected a list of 12-digit account ids (as strings), got [123456789012]',
  ],
  [
    'ec2-ebs-default-encryption-changed',
    'trustedAccounts',
    [123456789012],
    'expected a list of 12-digit account ids (as strings), got [123456789012]',
  ],
  ['s3-objects-encrypted-with-customer-key', 'atLeast', 0, 'expected a positive integer, got 0'],
  ['s3-objects-encrypted-with-customer-key', 'windowMinutes', '10', 'expected a positive integer, got "10"'],
  ['s3-object-deletion-burst', 'atLeast', 2.5, 'expected a positive integer, got 2.5'],
  ['s3-object-deletion-burst', 'windowMinutes', -5, 'expected a positive integer, got -5'],
  ['s3-lifecycle-short-expiration', 'maxDays', '7', 'expected a positive integer, got "7"'],
  ['s3-lifecycle-short-expiration', 'minLogRetentionDays', 0, 'expected a positive integer, got 0'],
  [
    's3-lifecycle-short-expiration',
    'logBuckets',
    'cloudtrail-logs',
    'expected a list of non-empty strings, got "cloudtrail-logs"',
  ],
  ['snapshot-copied-cross-region', 'approvedRegions', [''], 'expected a list of non-empty strings, got [""]'],
  [
    'bedrock-model-invoked-by-unusual-principal',
    'approvedPrincipals',
    'arn:aws:iam::*:role/app',
    'expected a list of non-empty strings, got "arn:aws:iam::*:role/app"',
  ],
  [
    'ecr-image-changed-by-unapproved-principal',
    'approvedPrincipals',
    [null],
    'expected a list of non-empty strings, got [null]',
  ],
  [
    'ecr-image-changed-by-unapproved-principal',
    'approvedAccounts',
    ['1234'],
    'expected a list of 12-digit account ids (as strings), got ["1234"]',
  ],
  [
    'guardduty-instance-compromise-credential-use',
    'withinMinutes',
    'an hour',
    'expected a positive integer, got "an hour"',
  ], // compute, execution, lateral movement, discovery, GuardDuty and flow-log detections
  ['bedrock-models-enumerated-across-regions', 'atLeast', 0, 'expected a positive integer, got 0'],
  [
    'bedrock-models-enumerated-across-regions',
    'windowMinutes',
    '60',
    'expected a positive integer, got "60"',
  ],
  ['ec2-console-output-collected', 'atLeast', 0, 'expected a positive integer, got 0'],
  ['ec2-console-output-collected', 'windowMinutes', '60', 'expected a positive integer, got "60"'],
  ['ec2-instance-connect-multiple-instances', 'atLeast', 0, 'expected a positive integer, got 0'],
  ['ec2-instance-connect-multiple-instances', 'windowMinutes', '60', 'expected a positive integer, got "60"'],
  ['ec2-instance-credentials-discovery-burst', 'atLeast', 0, 'expected a positive integer, got 0'],
  [
    'ec2-instance-credentials-discovery-burst',
    'windowMinutes',
    '60',
    'expected a positive integer, got "60"',
  ],
  ['ec2-instances-mass-stopped-or-terminated', 'atLeast', 0, 'expected a positive integer, got 0'],
  [
    'ec2-instances-mass-stopped-or-terminated',
    'windowMinutes',
    '60',
    'expected a positive integer, got "60"',
  ],
  ['security-tools-enumerated', 'atLeast', 0, 'expected a positive integer, got 0'],
  ['security-tools-enumerated', 'windowMinutes', '60', 'expected a positive integer, got "60"'],
  ['ses-enumeration', 'atLeast', 0, 'expected a positive integer, got 0'],
  ['ses-enumeration', 'windowMinutes', '60', 'expected a positive integer, got "60"'],
  ['ssm-send-command-multiple-instances', 'atLeast', 0, 'expected a positive integer, got 0'],
  ['ssm-send-command-multiple-instances', 'windowMinutes', '60', 'expected a positive integer, got "60"'],
  ['ssm-session-multiple-instances', 'atLeast', 0, 'expected a positive integer, got 0'],
  ['ssm-session-multiple-instances', 'windowMinutes', '60', 'expected a positive integer, got "60"'],
  [
    'ec2-instance-credentials-external-use',
    'instanceEgressCidrs',
    ['54.210.33.0/33'],
    '"54.210.33.0/33" is not an address or CIDR',
  ],
  [
    'flowlog-outbound-dns-unapproved-resolver',
    'approvedResolvers',
    ['dns.example'],
    '"dns.example" is not an address or CIDR',
  ],
  [
    'ec2-instance-launched-from-denied-image',
    'deniedImages',
    'ami-0d5f1a8e2b3c4d5e6',
    'expected a list of non-empty strings, got "ami-0d5f1a8e2b3c4d5e6"',
  ],
  ['ec2-key-pair-created', 'suspiciousNames', [''], 'expected a list of non-empty strings, got [""]'],
  ['ec2-user-data-script-run', 'withinMinutes', 0, 'expected a positive integer, got 0'],
  [
    'lambda-function-code-updated',
    'deployRoles',
    'github-deploy',
    'expected a list of non-empty strings, got "github-deploy"',
  ],
  ['lambda-layer-added', 'deployRoles', [1], 'expected a list of non-empty strings, got [1]'],
  [
    'lambda-layer-added',
    'trustedLayerAccounts',
    [123456789012],
    'expected a list of 12-digit account ids (as strings), got [123456789012]',
  ],
  [
    'lambda-function-policy-opened',
    'trustedAccounts',
    ['12345'],
    'expected a list of 12-digit account ids (as strings), got ["12345"]',
  ],
  [
    'lambda-layer-shared',
    'trustedAccounts',
    '999988887777',
    'expected a list of 12-digit account ids (as strings), got "999988887777"',
  ],
  [
    'ssm-document-shared',
    'trustedAccounts',
    ['all'],
    'expected a list of 12-digit account ids (as strings), got ["all"]',
  ],
  // Identity, credentials, sign-in and initial access (issue 8)
  ['secretsmanager-secret-read-burst', 'atLeast', 0, 'expected a positive integer, got 0'],
  ['secretsmanager-secret-read-burst', 'windowMinutes', '10', 'expected a positive integer, got "10"'],
  ['ssm-parameter-decrypt-burst', 'atLeast', 0, 'expected a positive integer, got 0'],
  ['ssm-parameter-decrypt-burst', 'windowMinutes', '10', 'expected a positive integer, got "10"'],
  ['ec2-password-data-read', 'atLeast', 0, 'expected a positive integer, got 0'],
  ['ec2-password-data-read', 'windowMinutes', '10', 'expected a positive integer, got "10"'],
  ['ec2-user-data-read-burst', 'atLeast', 0, 'expected a positive integer, got 0'],
  ['ec2-user-data-read-burst', 'windowMinutes', '10', 'expected a positive integer, got "10"'],
  ['sts-assume-role-burst', 'atLeast', 0, 'expected a positive integer, got 0'],
  ['sts-assume-role-burst', 'windowMinutes', '10', 'expected a positive integer, got "10"'],
  ['iam-access-denied-recon', 'atLeast', 0, 'expected a positive integer, got 0'],
  ['iam-access-denied-recon', 'windowMinutes', '10', 'expected a positive integer, got "10"'],
  ['iam-enumeration-burst', 'atLeast', 0, 'expected a positive integer, got 0'],
  ['iam-enumeration-burst', 'windowMinutes', '10', 'expected a positive integer, got "10"'],
  [
    'secretsmanager-secret-policy-external',
    'trustedAccounts',
    [999988887777],
    'expected a list of 12-digit account ids (as strings), got [999988887777]',
  ],
  [
    'iam-role-trust-policy-opened',
    'trustedAccounts',
    ['9999'],
    'expected a list of 12-digit account ids (as strings), got ["9999"]',
  ],
  [
    'signin-iam-user-password-login',
    'ssoOnlyAccounts',
    '111122223333',
    'expected a list of 12-digit account ids (as strings), got "111122223333"',
  ],
  [
    'sso-permission-set-admin-granted',
    'adminPolicies',
    [''],
    'expected a list of non-empty strings, got [""]',
  ],
  [
    'sso-permission-set-admin-granted',
    'adminPermissionSets',
    'ps-1',
    'expected a list of non-empty strings, got "ps-1"',
  ],
  ['iam-admin-policy-granted', 'adminPolicies', [1], 'expected a list of non-empty strings, got [1]'],
  ['iam-policy-attached-to-user', 'adminPolicies', {}, 'expected a list of non-empty strings, got {}'],
  [
    'iam-permissions-boundary-removed',
    'adminPolicies',
    null,
    'expected a list of non-empty strings, got null',
  ],
  [
    'iam-user-added-to-admin-group',
    'adminGroups',
    'Admins',
    'expected a list of non-empty strings, got "Admins"',
  ],
  ['iam-passrole-admin-to-compute', 'adminRoles', [null], 'expected a list of non-empty strings, got [null]'],
  [
    'signin-console-session-from-cli-credentials',
    'allowedRoles',
    [''],
    'expected a list of non-empty strings, got [""]',
  ],
  [
    'sts-credential-scanner-validation',
    'scannerUserAgents',
    'trufflehog',
    'expected a list of non-empty strings, got "trufflehog"',
  ],
  ['sts-assume-role-blocked-role', 'blockedRoles', [42], 'expected a list of non-empty strings, got [42]'],
  ['iam-entity-created-manually', 'iacPrincipals', true, 'expected a list of non-empty strings, got true'],
  ['iam-user-backdoor-chain', 'withinMinutes', 0, 'expected a positive integer, got 0'],
  [
    'iam-user-backdoor-chain',
    'adminPolicies',
    'AdministratorAccess',
    'expected a list of non-empty strings, got "AdministratorAccess"',
  ],
  ['ec2-user-data-swap', 'withinMinutes', '60', 'expected a positive integer, got "60"'],
  ['s3-bucket-exposed-after-block-removed', 'withinMinutes', 1.5, 'expected a positive integer, got 1.5'],
  ['signin-no-mfa-session-security-changes', 'withinMinutes', -30, 'expected a positive integer, got -30'],
  ['discovery-api-enumeration', 'minApis', 0, 'expected a positive integer, got 0'],
  ['discovery-api-enumeration', 'minServices', '3', 'expected a positive integer, got "3"'],
  ['discovery-api-enumeration', 'windowMinutes', 0, 'expected a positive integer, got 0'],
  ['access-denied-then-succeeded', 'withinMinutes', 0, 'expected a positive integer, got 0'],
  ['access-denied-then-succeeded', 'minMinutes', -1, 'expected a non-negative integer, got -1'],
  [
    'ec2-instance-credentials-new-origin',
    'awsAsns',
    ['AS16509'],
    'expected a list of AS numbers, got ["AS16509"]',
  ],
  ['ec2-instance-credentials-new-origin', 'countryDatabase', ['a.mmdb'], 'expected a path, got ["a.mmdb"]'],
  [
    'ec2-instance-credentials-new-origin',
    'asnDatabases',
    'asn.mmdb',
    'expected a list of non-empty strings, got "asn.mmdb"',
  ],
  ['mass-destruction-by-principal', 'atLeast', 0, 'expected a positive integer, got 0'],
  ['mass-destruction-by-principal', 'windowMinutes', '10', 'expected a positive integer, got "10"'],
  ['signin-new-country-or-network', 'countryDatabase', '', 'expected a path, got ""'],
  ['bedrock-agentcore-credentials-external-use', 'withinHours', 0, 'expected a positive integer, got 0'],
  [
    'bedrock-agentcore-credentials-external-use',
    'awsAsns',
    [16509, -1],
    'expected a list of AS numbers, got [16509,-1]',
  ],
  ['bedrock-agentcore-credentials-external-use', 'countryDatabase', '', 'expected a path, got ""'],
  [
    'bedrock-agentcore-credentials-external-use',
    'asnDatabases',
    'asn.csv',
    'expected a list of non-empty strings, got "asn.csv"',
  ],
  ['cognito-refresh-token-new-network', 'countryDatabase', 7, 'expected a path, got 7'],
  [
    'cognito-refresh-token-new-network',
    'asnDatabases',
    ['asn.csv', ''],
    'expected a list of non-empty strings, got ["asn.csv",""]',
  ],
  ['signin-new-country-or-network', 'asnDatabases', [''], 'expected a list of non-empty strings, got [""]'],
  ['account-new-region-used', 'learningHours', -24, 'expected a non-negative integer, got -24'],
  ['guardduty-findings-by-family', 'gapMinutes', 0, 'expected a positive integer, got 0'],
  [
    'guardduty-finding-then-principal-activity',
    'withinMinutes',
    'an hour',
    'expected a positive integer, got "an hour"',
  ],
  ['flowlog-eni-egress-above-baseline', 'factor', 0.5, 'expected a number from 1 to 1000000, got 0.5'],
  ['flowlog-eni-egress-above-baseline', 'minMegabytes', 0, 'expected a positive integer, got 0'],
  ['flowlog-eni-egress-above-baseline', 'minHours', '6', 'expected a positive integer, got "6"'],
  ['flowlog-eni-egress-above-baseline', 'baselineHours', 0, 'expected a positive integer, got 0'],
  ['flowlog-threat-list-traffic', 'cidrs', ['evil.example'], 'not an address or CIDR: "evil.example"'],
  ['flowlog-threat-list-traffic', 'file', 7, 'expected a path, got 7'],
  ['flowlog-threat-list-traffic', 'windowMinutes', 0, 'expected a positive integer, got 0'],
  ['flowlog-rejected-connection-spike', 'atLeast', 0, 'expected a positive integer, got 0'],
  ['flowlog-rejected-connection-spike', 'windowMinutes', 1.5, 'expected a positive integer, got 1.5'],
  ['flowlog-delivery-gap', 'gapMinutes', '30', 'expected a positive integer, got "30"'],
];

describe('catalog detection params', () => {
  it('has a bad-value case for every param every catalog detection reads', () => {
    const read = catalog
      .flatMap(({ detection }) => paramsRead(detection).map((name) => `${detection.id}.${name}`))
      .sort();
    expect(read).toEqual(BAD_VALUES.map(([id, name]) => `${id}.${name}`).sort());
  });

  it.each(BAD_VALUES)('%s: a bad %s fails when the operator is built', (id, name, value, message) => {
    const detection = detectionById(id);
    expect(build(detection, { [name]: value })).toThrow(`detections.${id}.params.${name}: ${message}`);
    expect(build(detection, {})).not.toThrow();
  });

  it('accepts the edge values a detection allows', () => {
    expect(build(detectionById('ec2-large-instance-burst'), { moreThan: 0 })).not.toThrow();
    expect(build(detectionById('ec2-security-group-open-to-world'), { sensitivePorts: [] })).not.toThrow();
  });
});

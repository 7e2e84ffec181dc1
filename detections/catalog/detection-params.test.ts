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
  ],
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

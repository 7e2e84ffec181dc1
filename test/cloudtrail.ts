import type { JsonObject } from '../schemas/types.js';

/** A realistic RunInstances CloudTrail record launching one tagged instance; `sequence` makes its ids unique. */
export function runInstancesRecord(
  account: string,
  time: number,
  instanceType: string,
  sequence: number,
): JsonObject {
  return {
    eventVersion: '1.08',
    userIdentity: {
      type: 'AssumedRole',
      arn: `arn:aws:sts::${account}:assumed-role/deployer/ci`,
      accountId: account,
      sessionContext: { sessionIssuer: { arn: `arn:aws:iam::${account}:role/deployer` } },
    },
    eventTime: new Date(time).toISOString().replace('.000Z', 'Z'),
    eventSource: 'ec2.amazonaws.com',
    eventName: 'RunInstances',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.10',
    userAgent: 'aws-cli/2.15.0',
    requestParameters: {
      instanceType,
      minCount: 1,
      maxCount: 1,
      tagSpecificationSet: {
        items: [
          {
            resourceType: 'instance',
            tags: [
              { key: 'owner', value: 'ml' },
              { key: 'cost-center', value: '42' },
            ],
          },
        ],
      },
    },
    responseElements: {
      instancesSet: { items: [{ instanceId: `i-${sequence.toString(16).padStart(17, '0')}`, instanceType }] },
    },
    eventID: `00000000-0000-4000-8000-${sequence.toString().padStart(12, '0')}`,
    eventType: 'AwsApiCall',
    recipientAccountId: account,
  };
}

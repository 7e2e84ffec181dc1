import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { synth } from './synth.js';

/** Every acknowledgment (a rule suppressed with a reason) in the tree, with where and why. */
function acknowledgments(root: IConstruct): { rule: string; path: string; reason: string }[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
      .map(([rule, reason]) => ({ rule, path: construct.node.path, reason })),
  );
}

/** aws-cdk-lib's own acknowledgments of its CloudFormation-Validate false positives (not this stack's). */
const CDK_OWN = [
  'CloudFormation-Validate::W3010',
  'CloudFormation-Validate::F3002',
  'CloudFormation-Validate::F3003',
];

describe.each([
  ['split roles, Timestream, image from ECR', {}],
  ['one service, InfluxDB, provisioned shards', { roles: 'all', store: 'influxdb', sourceShards: '2' }],
  ['the default image, built from infra/Dockerfile', { image: '' }],
])('cdk-nag AwsSolutions (%s)', (_name, context) => {
  const { stack, violations } = synth(context);

  it('leaves no finding: every rule passes or is acknowledged with a reason in code', () => {
    expect(violations).toEqual([]);
  });

  it('acknowledges only findings that cannot be fixed, each with its reason', () => {
    const found = acknowledgments(stack).filter(({ rule }) => !CDK_OWN.includes(rule));
    for (const { reason } of found) expect(reason.length).toBeGreaterThan(60);
    const influx = 'store' in context;
    expect(found.map(({ rule, path }) => `${path}: ${rule}`).sort()).toEqual(
      [
        ...(influx
          ? ['Shardwatch/All/Task: AwsSolutions::AwsSolutions-IAM5[Resource::*]']
          : [
              'Shardwatch/Ingest/TaskRole: AwsSolutions::AwsSolutions-IAM5[Resource::*]',
              'Shardwatch/Ingest/Task: AwsSolutions::AwsSolutions-IAM5[Resource::*]',
              'Shardwatch/Detect/TaskRole: AwsSolutions::AwsSolutions-IAM5[Resource::*]',
              'Shardwatch/Detect/Task: AwsSolutions::AwsSolutions-IAM5[Resource::*]',
            ]),
        ...(influx
          ? [
              'Shardwatch/InfluxDbPassword: AwsSolutions::AwsSolutions-SMG4',
              'Shardwatch/InfluxDbToken: AwsSolutions::AwsSolutions-SMG4',
            ]
          : [
              'Shardwatch/FindingsDatabase: CloudFormation-Validate::W3697',
              'Shardwatch/FindingsTable: CloudFormation-Validate::W3697',
            ]),
      ].sort(),
    );
  });
});

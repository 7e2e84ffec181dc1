import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { synth } from './synth.js';

/** Actions IAM cannot scope to a resource: the only ones allowed on Resource "*". */
const NO_RESOURCE_LEVEL = ['ecr:GetAuthorizationToken', 'timestream:DescribeEndpoints'];

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** Every identity-policy statement of the template (inline role policies and AWS::IAM::Policy), by policy id. */
function identityStatements(template: Template): { policy: string; statement: Statement }[] {
  const found: { policy: string; statement: Statement }[] = [];
  for (const [id, policy] of Object.entries(template.findResources('AWS::IAM::Policy')))
    for (const statement of policy.Properties.PolicyDocument.Statement) found.push({ policy: id, statement });
  for (const [id, role] of Object.entries(template.findResources('AWS::IAM::Role')))
    for (const inline of role.Properties.Policies ?? [])
      for (const statement of inline.PolicyDocument.Statement)
        found.push({ policy: `${id}/${inline.PolicyName}`, statement });
  return found;
}

/** The actions of the policies attached to the task role of a service (`Ingest`, `Detect`, `All`). */
function taskRoleActions(template: Template, service: string): string[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
    JSON.stringify(policy.Properties.Roles).includes(`${service}TaskRole`),
  );
  return policies
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[])
    .flatMap((statement) => list(statement.Action))
    .sort();
}

/** IAM actions of the AWS SDK commands processor/ sends (`new ListShardsCommand(` → kinesis:ListShards). */
function actionsTheCodeCalls(): Set<string> {
  const prefixes: Record<string, string> = {
    kinesis: 'kinesis',
    dynamodb: 'dynamodb',
    sns: 'sns',
    'timestream-write': 'timestream',
  };
  // PublishBatch is authorized as sns:Publish.
  const authorizedAs: Record<string, string> = { 'sns:PublishBatch': 'sns:Publish' };
  const actions = new Set<string>();
  const files = readdirSync('processor', { recursive: true, encoding: 'utf8' }).filter(
    (file) => file.endsWith('.ts') && !file.endsWith('.test.ts'),
  );
  for (const file of files) {
    const source = readFileSync(join('processor', file), 'utf8');
    for (const [, names, client] of source.matchAll(
      /import\s*\{([^}]*)\}\s*from '@aws-sdk\/client-([a-z-]+)'/g,
    )) {
      const prefix = prefixes[client as string];
      if (!prefix) continue;
      for (const name of (names as string).split(',').map((part) => part.trim().replace(/^type\s+/, ''))) {
        if (!name.endsWith('Command') || !source.includes(`new ${name}(`)) continue;
        const action = `${prefix}:${name.slice(0, -'Command'.length)}`;
        actions.add(authorizedAs[action] ?? action);
      }
    }
  }
  return actions;
}

const variants = {
  'split roles, Timestream': synth(),
  'one service, InfluxDB': synth({ roles: 'all', store: 'influxdb' }),
};

describe.each(Object.entries(variants))('IAM (%s)', (_name, { template }) => {
  it('has no wildcard action in any identity policy', () => {
    const wildcards = identityStatements(template).filter(({ statement }) =>
      list(statement.Action).some((action) => action.includes('*')),
    );
    expect(wildcards).toEqual([]);
  });

  it('scopes every statement to resources, except the actions IAM cannot scope', () => {
    const unscoped = identityStatements(template)
      .filter(({ statement }) => list(statement.Resource).includes('*'))
      .filter(({ statement }) =>
        list(statement.Action).some((action) => !NO_RESOURCE_LEVEL.includes(action)),
      );
    expect(unscoped).toEqual([]);
  });

  it('attaches no AWS managed policy', () => {
    for (const role of Object.values(template.findResources('AWS::IAM::Role')))
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });
});

describe('task roles', () => {
  const split = variants['split roles, Timestream'].template;
  const single = variants['one service, InfluxDB'].template;
  const leases = [
    'dynamodb:DescribeTable',
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:Scan',
    'dynamodb:UpdateItem',
  ];
  const read = ['kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:ListShards'];
  const findings = ['kms:Decrypt', 'kms:GenerateDataKey', 'sns:Publish'];
  const timestream = ['timestream:DescribeEndpoints', 'timestream:WriteRecords'];

  it('allow each role exactly the calls it makes', () => {
    expect(taskRoleActions(split, 'Ingest')).toEqual(
      [...read, ...leases, ...findings, ...timestream, 'kinesis:PutRecords'].sort(),
    );
    const snapshots = [
      'dynamodb:BatchWriteItem',
      'dynamodb:DescribeTable',
      'dynamodb:PutItem',
      'dynamodb:Query',
    ];
    expect(taskRoleActions(split, 'Detect')).toEqual(
      [...read, ...leases, ...snapshots, ...findings, ...timestream].sort(),
    );
    // InfluxDB is written over HTTP with a token: no AWS call.
    expect(taskRoleActions(single, 'All')).toEqual([...read, ...leases, ...findings].sort());
  });

  it('allow only actions of SDK commands processor/ sends, besides KMS for the encrypted topics and endpoint discovery', () => {
    const called = actionsTheCodeCalls();
    const granted = new Set([...taskRoleActions(split, 'Ingest'), ...taskRoleActions(split, 'Detect')]);
    const implied = ['kms:Decrypt', 'kms:GenerateDataKey', 'timestream:DescribeEndpoints'];
    expect([...granted].filter((action) => !called.has(action) && !implied.includes(action))).toEqual([]);
    // and the consumer needs no dynamodb:CreateTable: the stack creates the lease tables
    expect(called.has('dynamodb:CreateTable')).toBe(true);
    expect(granted.has('dynamodb:CreateTable')).toBe(false);
  });

  it('scope the stream, table, topic and key statements to this stack’s resources', () => {
    const statements = Object.values(split.findResources('AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties.Roles).includes('IngestTaskRole'))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as (Statement & { Sid: string })[]);
    const resources = Object.fromEntries(statements.map((s) => [s.Sid, JSON.stringify(s.Resource)]));
    expect(resources.ReadStream).toMatch(/SourceStream.*Arn/);
    expect(resources.Leases).toMatch(/SourceLeases.*Arn/);
    expect(resources.PublishKeyedEvents).toMatch(/KeyedStream.*Arn/);
    expect(resources.PublishFindings).toMatch(/AlertTopic.*NotifyTopic.*LogTopic/);
    expect(resources.EncryptedTopics).toMatch(/FindingsKey.*Arn/);
    expect(resources.WriteFindings).toMatch(/FindingsTable.*Arn/);
  });
});

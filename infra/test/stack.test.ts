import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ConfigError, validateConfig } from '../../processor/cli/config.js';
import { deployedConfig } from '../lib/deployed-config.js';
import { synth } from './synth.js';

const split = synth();
const all = synth({ roles: 'all', store: 'influxdb', sourceShards: '4', minTasks: '2', maxTasks: '8' });

describe('the CDK template (split roles, Timestream for LiveAnalytics)', () => {
  const { template } = split;

  it('has the source and keyed streams, encrypted, on demand unless shards are given', () => {
    template.resourceCountIs('AWS::Kinesis::Stream', 2);
    template.allResourcesProperties('AWS::Kinesis::Stream', {
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
    });
    all.template.hasResourceProperties('AWS::Kinesis::Stream', {
      ShardCount: 4,
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
    });
  });

  it("has both lease tables (KCL key) and the keyed shards' snapshot table named after its lease table: on demand, point-in-time recovery, encrypted", () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 3);
    template.allResourcesProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
    const tables = Object.entries(template.findResources('AWS::DynamoDB::Table'));
    const leases = tables.filter(([id]) => id.includes('Leases'));
    expect(leases).toHaveLength(2);
    for (const [, table] of leases)
      expect(table.Properties.KeySchema).toEqual([{ AttributeName: 'leaseKey', KeyType: 'HASH' }]);
    const [snapshotsId, snapshots] = tables.find(([id]) => id.includes('KeyedSnapshots')) ?? [];
    expect(snapshotsId).toBeDefined();
    expect(snapshots?.Properties.KeySchema).toEqual([
      { AttributeName: 'shardId', KeyType: 'HASH' },
      { AttributeName: 'part', KeyType: 'RANGE' },
    ]);
    // processor/consumer/roles/roles.ts reads `${keyed lease table}-snapshots`
    const keyedLeasesId = leases.find(([id]) => id.includes('KeyedLeases'))?.[0];
    expect(snapshots?.Properties.TableName).toEqual({
      'Fn::Join': ['', [{ Ref: keyedLeasesId }, '-snapshots']],
    });
  });

  it('feeds the source stream from the CloudTrail log group and from GuardDuty findings', () => {
    const source = { 'Fn::GetAtt': [Match.stringLikeRegexp('^SourceStream'), 'Arn'] };
    template.hasResourceProperties('AWS::Logs::SubscriptionFilter', {
      LogGroupName: 'org-trail',
      FilterPattern: '',
      DestinationArn: source,
      RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CloudTrailToStreamRole'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.guardduty'], 'detail-type': ['GuardDuty Finding'] },
      Targets: [
        Match.objectLike({
          Arn: source,
          KinesisParameters: { PartitionKeyPath: '$.id' },
          RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GuardDutyToStreamRole'), 'Arn'] },
        }),
      ],
    });
  });

  it('encrypts every SNS topic (one per tier and the alarms) with a rotated customer key, SSL only', () => {
    template.resourceCountIs('AWS::SNS::Topic', 4);
    template.allResourcesProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FindingsKey'), 'Arn'] },
    });
    template.resourceCountIs('AWS::SNS::TopicPolicy', 4);
    template.allResourcesProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('subscribes an example queue to critical alerts with a filter policy', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      RawMessageDelivery: true,
      FilterPolicy: { severity: ['critical'] },
      TopicArn: { Ref: Match.stringLikeRegexp('^AlertTopic') },
    });
    template.allResourcesProperties('AWS::SQS::Queue', { KmsMasterKeyId: Match.anyValue() });
  });

  it('stores findings in Timestream with retention, encrypted with the key', () => {
    template.hasResourceProperties('AWS::Timestream::Database', {
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FindingsKey'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::Timestream::Table', {
      RetentionProperties: {
        MemoryStoreRetentionPeriodInHours: '24',
        MagneticStoreRetentionPeriodInDays: '365',
      },
      MagneticStoreWriteProperties: { EnableMagneticStoreWrites: true },
    });
  });

  it('runs an ingest and a detect service with the config from SSM and a /healthz health check', () => {
    template.resourceCountIs('AWS::ECS::Service', 2);
    for (const role of ['ingest', 'detect'])
      template.hasResourceProperties('AWS::ECS::TaskDefinition', {
        ContainerDefinitions: [
          Match.objectLike({
            Command: ['run', '--role', role],
            Environment: Match.absent(),
            Secrets: [{ Name: 'SHARDWATCH_CONFIG', ValueFrom: Match.anyValue() }],
            HealthCheck: Match.objectLike({ Command: Match.arrayWith([Match.stringLikeRegexp('/healthz')]) }),
            StopTimeout: 60,
            LogConfiguration: Match.objectLike({ LogDriver: 'awslogs' }),
          }),
        ],
      });
    template.resourceCountIs('AWS::SSM::Parameter', 1);
    template.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
    });
  });

  it('scales each service on the iterator age of the stream it reads', () => {
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 2);
    template.allResourcesProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 1,
      MaxCapacity: 4,
    });
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 4); // a scale-out and a scale-in each
    template.allResourcesProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'StepScaling',
    });
    all.template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 2,
      MaxCapacity: 8,
    });
  });

  it('alarms on iterator age, no leases held and unhealthy sinks per service, and on dead letters', () => {
    const alarmsOn = (metricName: string) =>
      Object.values(
        template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: metricName } }),
      );
    const shardwatch = (metricName: string) =>
      alarmsOn(metricName).filter((alarm) => alarm.Properties.Namespace === 'Shardwatch');
    expect(shardwatch('ShardsLeased').map((alarm) => alarm.Properties)).toEqual([
      expect.objectContaining({
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      }),
      expect.objectContaining({
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      }),
    ]);
    expect(shardwatch('UnhealthySinks')).toHaveLength(2);
    const ageAlarms = alarmsOn('GetRecords.IteratorAgeMilliseconds').filter(
      (alarm) => alarm.Properties.Threshold === 600_000,
    );
    expect(ageAlarms).toHaveLength(2);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'records0 + findings0 + records1 + findings1' }),
        Match.objectLike({
          MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'DeadLetters' }) }),
        }),
        Match.objectLike({
          MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'RejectedFindings' }) }),
        }),
      ]),
      Threshold: 0,
    });
    const toAlarmTopic = template.findResources('AWS::CloudWatch::Alarm', {
      Properties: {
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlarmsTopic') }],
        OKActions: [{ Ref: Match.stringLikeRegexp('^AlarmsTopic') }],
      },
    });
    expect(Object.keys(toAlarmTopic)).toHaveLength(7);
  });
});

describe('the CDK template (one service, Timestream for InfluxDB)', () => {
  const { template } = all;

  it('runs one all-role service and an InfluxDB instance in private subnets, token from Secrets Manager', () => {
    template.resourceCountIs('AWS::ECS::Service', 1);
    template.resourceCountIs('AWS::Kinesis::Stream', 1);
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.resourceCountIs('AWS::Timestream::Table', 0);
    template.hasResourceProperties('AWS::Timestream::InfluxDBInstance', {
      PubliclyAccessible: false,
      Organization: 'security',
      Bucket: 'findings',
    });
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          Command: ['run', '--role', 'all'],
          Secrets: [
            { Name: 'SHARDWATCH_CONFIG', ValueFrom: Match.anyValue() },
            { Name: 'INFLUX_TOKEN', ValueFrom: { Ref: Match.stringLikeRegexp('^InfluxDbToken') } },
          ],
        }),
      ],
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 8086, ToPort: 8086 });
  });
});

describe('the deployed config', () => {
  const resources = {
    region: 'eu-west-1',
    sourceStream: 'security-events',
    sourceLeaseTable: 'leases',
    keyed: { stream: 'keyed', leaseTable: 'keyed-leases' },
    topics: { alert: 'arn:alert', notify: 'arn:notify', log: 'arn:log' },
    store: { kind: 'timestream' as const, database: 'db', table: 'findings' },
  };

  it("keeps the user's detection settings and timings and sets what the stack owns; the tasks' schema accepts it", () => {
    const document = deployedConfig(resources, 'shardwatch.example.yaml');
    const config = validateConfig({ origin: 'test', document, overrides: [] });
    expect(config.consumer).toMatchObject({
      stream: 'security-events',
      leaseTable: 'leases',
      region: 'eu-west-1',
      keyedStream: { stream: 'keyed', leaseTable: 'keyed-leases' },
      healthPort: 8080,
    });
    expect(config.consumer?.workerId).toBeUndefined();
    expect(config.sinks.timestream).toEqual({ region: 'eu-west-1', database: 'db', table: 'findings' });
    expect(config.sinks.sns?.topics).toEqual({ alert: 'arn:alert', notify: 'arn:notify', log: 'arn:log' });
    expect(config.log.emf).toEqual({ intervalMs: 60_000, namespace: 'Shardwatch' });
    expect(config.detections['ec2-large-instance-burst']?.params).toEqual({ moreThan: 5, minSize: 8 });
    expect(config.allowList).toHaveLength(1);
  });

  it('fails the synth on a config the tasks would refuse', () => {
    expect(() => synth({ configFile: 'infra/test/bad-config.yaml' })).toThrow(ConfigError);
    expect(() => synth({ configFile: 'infra/test/bad-config.yaml' })).toThrow(
      'lateness: expected a duration like 10s, 5m or 1h',
    );
  });
});

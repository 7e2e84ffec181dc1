import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as timestream from 'aws-cdk-lib/aws-timestream';
import type { Construct } from 'constructs';
import { ShardwatchAlarms } from './alarms.js';
import { type DeployedResources, deployedConfig } from './deployed-config.js';
import { ShardwatchService } from './service.js';
import type { ShardwatchSettings } from './settings.js';

/** The repository root: the image's build context (infra/Dockerfile, .dockerignore). */
const REPOSITORY_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TIERS = ['alert', 'notify', 'log'] as const;

export interface ShardwatchStackProps extends StackProps {
  settings: ShardwatchSettings;
}

/**
 * shardwatch on ECS Fargate next to its Kinesis streams: the source stream (fed by a CloudTrail log group's
 * subscription filter and an EventBridge rule for GuardDuty findings), the internal keyed stream, the lease
 * tables, KMS-encrypted SNS topics per tier, the findings store, the services with autoscaling on iterator
 * age, and the alarms. The tasks read their config from an SSM parameter built and validated at synth.
 */
export class ShardwatchStack extends Stack {
  readonly sourceStream: kinesis.Stream;
  readonly keyedStream: kinesis.Stream | undefined;
  readonly services: ShardwatchService[];

  constructor(scope: Construct, id: string, props: ShardwatchStackProps) {
    super(scope, id, props);
    const { settings } = props;

    // ── streams and lease tables ────────────────────────────────────────────────────────────────────────
    // aws/kinesis: consumers and the CloudWatch Logs / EventBridge producers need no key grants.
    const stream = (name: string, shards: number | undefined) =>
      new kinesis.Stream(this, name, {
        encryption: kinesis.StreamEncryption.MANAGED,
        retentionPeriod: Duration.hours(24),
        ...(shards === undefined
          ? { streamMode: kinesis.StreamMode.ON_DEMAND }
          : { streamMode: kinesis.StreamMode.PROVISIONED, shardCount: shards }),
      });
    // The KCL 2.x layout the consumer writes; created here so the tasks need no dynamodb:CreateTable.
    const leaseTable = (name: string) =>
      new dynamodb.Table(this, name, {
        partitionKey: { name: 'leaseKey', type: dynamodb.AttributeType.STRING },
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: dynamodb.TableEncryption.AWS_MANAGED,
        removalPolicy: RemovalPolicy.DESTROY,
      });
    this.sourceStream = stream('SourceStream', settings.sourceShards);
    const sourceLeases = leaseTable('SourceLeases');
    const split = settings.roles === 'split';
    this.keyedStream = split ? stream('KeyedStream', settings.keyedShards) : undefined;
    const keyedLeases = split ? leaseTable('KeyedLeases') : undefined;
    // Detect saves each keyed shard's engine with its checkpoint in `<keyed lease table>-snapshots`.
    const keyedSnapshots = keyedLeases
      ? new dynamodb.Table(this, 'KeyedSnapshots', {
          tableName: `${keyedLeases.tableName}-snapshots`,
          partitionKey: { name: 'shardId', type: dynamodb.AttributeType.STRING },
          sortKey: { name: 'part', type: dynamodb.AttributeType.STRING },
          billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
          pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
          encryption: dynamodb.TableEncryption.AWS_MANAGED,
          removalPolicy: RemovalPolicy.DESTROY,
        })
      : undefined;

    // ── sources: CloudTrail via CloudWatch Logs, GuardDuty via EventBridge ───────────────────────────────
    const logsToKinesis = new iam.Role(this, 'CloudTrailToStreamRole', {
      assumedBy: new iam.ServicePrincipal('logs.amazonaws.com'),
      inlinePolicies: {
        put: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              actions: ['kinesis:PutRecord'],
              resources: [this.sourceStream.streamArn],
            }),
          ],
        }),
      },
    });
    const cloudTrail = new logs.CfnSubscriptionFilter(this, 'CloudTrailSubscription', {
      logGroupName: settings.cloudTrailLogGroup,
      filterPattern: '',
      destinationArn: this.sourceStream.streamArn,
      roleArn: logsToKinesis.roleArn,
      distribution: 'Random',
    });
    cloudTrail.node.addDependency(logsToKinesis);
    const eventsToKinesis = new iam.Role(this, 'GuardDutyToStreamRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
      inlinePolicies: {
        put: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              actions: ['kinesis:PutRecord'],
              resources: [this.sourceStream.streamArn],
            }),
          ],
        }),
      },
    });
    new events.Rule(this, 'GuardDutyFindings', {
      description: 'GuardDuty findings to the shardwatch source stream',
      eventPattern: { source: ['aws.guardduty'], detailType: ['GuardDuty Finding'] },
      // A target that uses our role as it is (the stock KinesisStream target would add wildcard KMS grants).
      targets: [
        {
          bind: () => ({
            arn: this.sourceStream.streamArn,
            role: eventsToKinesis,
            kinesisParameters: { partitionKeyPath: '$.id' },
          }),
        },
      ],
    });

    // ── findings: SNS topics per tier (KMS), example subscriptions, the store ────────────────────────────
    const key = new kms.Key(this, 'FindingsKey', {
      description: 'shardwatch: SNS topics, the example queue and the Timestream database',
      enableKeyRotation: true,
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'ServicesDeliveringToEncryptedTopicsAndQueues',
        principals: [
          new iam.ServicePrincipal('sns.amazonaws.com'),
          new iam.ServicePrincipal('cloudwatch.amazonaws.com'),
        ],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'], // in a key policy, `*` is this key
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    const topics = Object.fromEntries(
      TIERS.map((tier) => [
        tier,
        new sns.Topic(this, `${tier[0]?.toUpperCase()}${tier.slice(1)}Topic`, {
          displayName: `shardwatch ${tier} findings`,
          masterKey: key,
          enforceSSL: true,
        }),
      ]),
    ) as Record<(typeof TIERS)[number], sns.Topic>;
    this.exampleSubscriptions(topics, key, settings);

    let store: DeployedResources['store'];
    let timestreamTable: string | undefined;
    const storeSecrets: Record<string, ecs.Secret> = {};
    let influx: ec2.SecurityGroup | undefined;
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 1,
      restrictDefaultSecurityGroup: false,
      flowLogs: {
        all: {
          destination: ec2.FlowLogDestination.toCloudWatchLogs(
            new logs.LogGroup(this, 'VpcFlowLogs', {
              retention: logs.RetentionDays.ONE_MONTH,
              removalPolicy: RemovalPolicy.DESTROY,
            }),
          ),
        },
      },
    });
    if (settings.store === 'timestream') {
      const database = new timestream.CfnDatabase(this, 'FindingsDatabase', { kmsKeyId: key.keyArn });
      const table = new timestream.CfnTable(this, 'FindingsTable', {
        databaseName: database.ref,
        retentionProperties: {
          MemoryStoreRetentionPeriodInHours: String(settings.memoryStoreHours),
          MagneticStoreRetentionPeriodInDays: String(settings.magneticStoreDays),
        },
        // Roll-ups and replays carry event times older than the memory store's window.
        magneticStoreWriteProperties: { EnableMagneticStoreWrites: true },
      });
      for (const resource of [database, table])
        Validations.of(resource).acknowledge({
          id: 'CloudFormation-Validate::W3697',
          reason:
            'Timestream for LiveAnalytics is in maintenance mode (closed to new customers since 2025-06-20): this default serves accounts that use it; others deploy with -c store=influxdb.',
        });
      store = { kind: 'timestream', database: database.ref, table: table.attrName };
      timestreamTable = table.attrArn;
    } else {
      influx = new ec2.SecurityGroup(this, 'InfluxDbSecurityGroup', { vpc, allowAllOutbound: false });
      const password = new secretsmanager.Secret(this, 'InfluxDbPassword', {
        description: 'shardwatch: the InfluxDB admin password',
        generateSecretString: { excludePunctuation: true, passwordLength: 32 },
      });
      const token = new secretsmanager.Secret(this, 'InfluxDbToken', {
        description:
          'shardwatch: an InfluxDB API token with write access to the findings bucket (create it in InfluxDB after the first deploy, then put it here)',
      });
      const instance = new timestream.CfnInfluxDBInstance(this, 'InfluxDb', {
        dbInstanceType: 'db.influx.medium',
        dbStorageType: 'InfluxIOIncludedT1',
        allocatedStorage: 20,
        deploymentType: 'SINGLE_AZ',
        publiclyAccessible: false,
        vpcSubnetIds: vpc.privateSubnets.map((subnet) => subnet.subnetId),
        vpcSecurityGroupIds: [influx.securityGroupId],
        username: 'shardwatch',
        password: password.secretValue.unsafeUnwrap(), // a {{resolve:secretsmanager}} reference, not the value
        organization: 'security',
        bucket: 'findings',
      });
      store = {
        kind: 'influxdb',
        url: `https://${instance.attrEndpoint}:8086`,
        org: 'security',
        bucket: 'findings',
        tokenEnv: 'INFLUX_TOKEN',
      };
      storeSecrets.INFLUX_TOKEN = ecs.Secret.fromSecretsManager(token);
      new CfnOutput(this, 'InfluxDbEndpoint', { value: instance.attrEndpoint });
      new CfnOutput(this, 'InfluxDbPasswordSecret', { value: password.secretArn });
      new CfnOutput(this, 'InfluxDbTokenSecret', { value: token.secretArn });
      for (const secret of [password, token])
        Validations.of(secret).acknowledge({
          id: 'AwsSolutions::AwsSolutions-SMG4',
          reason:
            'InfluxDB keeps its own users and tokens: rotating this secret would need a rotation function that changes them inside InfluxDB, which this stack does not ship.',
        });
    }

    // ── the config the tasks read ───────────────────────────────────────────────────────────────────────
    const document = deployedConfig(
      {
        region: this.region,
        sourceStream: this.sourceStream.streamName,
        sourceLeaseTable: sourceLeases.tableName,
        keyed:
          this.keyedStream && keyedLeases
            ? { stream: this.keyedStream.streamName, leaseTable: keyedLeases.tableName }
            : undefined,
        topics: { alert: topics.alert.topicArn, notify: topics.notify.topicArn, log: topics.log.topicArn },
        store,
      },
      settings.configFile,
    );
    const configText = this.toJsonString(document);
    const config = new ssm.StringParameter(this, 'Config', {
      description: 'shardwatch.yaml of the shardwatch tasks (JSON), validated at synth',
      stringValue: configText,
      tier: configText.length > 3500 ? ssm.ParameterTier.ADVANCED : ssm.ParameterTier.STANDARD,
    });

    // ── services ────────────────────────────────────────────────────────────────────────────────────────
    const cluster = new ecs.Cluster(this, 'Cluster', {
      vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    const logGroup = new logs.LogGroup(this, 'TaskLogs', {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const image = settings.image
      ? ecs.ContainerImage.fromEcrRepository(
          ecr.Repository.fromRepositoryName(this, 'ImageRepository', settings.image.repository),
          settings.image.tag,
        )
      : ecs.ContainerImage.fromAsset(REPOSITORY_ROOT, {
          file: 'infra/Dockerfile',
          platform: Platform.LINUX_AMD64,
        });
    const sinkAccess = {
      topics: Object.values(topics),
      topicKey: key,
      timestreamTable,
    };
    const serviceProps = {
      cluster,
      image,
      logGroup,
      config,
      secrets: storeSecrets,
      settings,
      sinks: sinkAccess,
    };
    this.services = split
      ? [
          new ShardwatchService(this, 'Ingest', {
            ...serviceProps,
            role: 'ingest',
            reads: { stream: this.sourceStream, leases: sourceLeases },
            publishesTo: this.keyedStream,
          }),
          new ShardwatchService(this, 'Detect', {
            ...serviceProps,
            role: 'detect',
            reads: { stream: this.keyedStream as kinesis.Stream, leases: keyedLeases as dynamodb.Table },
            snapshots: keyedSnapshots,
          }),
        ]
      : [
          new ShardwatchService(this, 'All', {
            ...serviceProps,
            role: 'all',
            reads: { stream: this.sourceStream, leases: sourceLeases },
          }),
        ];
    if (influx)
      for (const service of this.services)
        influx.addIngressRule(
          service.securityGroup,
          ec2.Port.tcp(8086),
          `shardwatch ${service.role} writes findings`,
        );

    const alarms = new ShardwatchAlarms(this, 'Alarms', {
      services: this.services,
      key,
      email: settings.alarmEmail,
    });

    new CfnOutput(this, 'SourceStreamName', { value: this.sourceStream.streamName });
    new CfnOutput(this, 'ClusterName', { value: cluster.clusterName });
    new CfnOutput(this, 'ConfigParameter', { value: config.parameterName });
    new CfnOutput(this, 'AlarmTopic', { value: alarms.topic.topicArn });
    for (const tier of TIERS) new CfnOutput(this, `${tier}TopicArn`, { value: topics[tier].topicArn });
  }

  /**
   * Examples of SNS filter policies on the message attributes shardwatch sets (severity, tier, detection,
   * account, team, riskScore): critical alerts to a queue, and risky notices to an email address.
   */
  private exampleSubscriptions(
    topics: Record<(typeof TIERS)[number], sns.Topic>,
    key: kms.Key,
    settings: ShardwatchSettings,
  ): void {
    const deadLetters = new sqs.Queue(this, 'CriticalFindingsDeadLetters', {
      encryptionMasterKey: key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const critical = new sqs.Queue(this, 'CriticalFindings', {
      encryptionMasterKey: key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      deadLetterQueue: { queue: deadLetters, maxReceiveCount: 5 },
    });
    topics.alert.addSubscription(
      new subscriptions.SqsSubscription(critical, {
        rawMessageDelivery: true,
        filterPolicy: { severity: sns.SubscriptionFilter.stringFilter({ allowlist: ['critical'] }) },
      }),
    );
    if (settings.findingsEmail)
      topics.notify.addSubscription(
        new subscriptions.EmailSubscription(settings.findingsEmail, {
          filterPolicy: { riskScore: sns.SubscriptionFilter.numericFilter({ greaterThanOrEqualTo: 50 }) },
        }),
      );
  }
}

import { Duration, Validations } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { HEALTH_PORT } from './deployed-config.js';
import type { ShardwatchSettings } from './settings.js';

export interface ShardwatchServiceProps {
  role: 'all' | 'ingest' | 'detect';
  cluster: ecs.Cluster;
  image: ecs.ContainerImage;
  logGroup: logs.LogGroup;
  /** The SSM parameter holding the config, injected as SHARDWATCH_CONFIG. */
  config: ssm.StringParameter;
  /** More secrets for the container (the InfluxDB token). */
  secrets: Record<string, ecs.Secret>;
  settings: ShardwatchSettings;
  /** The stream this service consumes and its lease table. */
  reads: { stream: kinesis.Stream; leases: dynamodb.Table };
  /** Role detect: the table of its keyed shards' engine snapshots. */
  snapshots?: dynamodb.Table | undefined;
  /** Role ingest: the keyed stream it re-publishes to. */
  publishesTo?: kinesis.Stream | undefined;
  sinks: { topics: sns.Topic[]; topicKey: kms.Key; timestreamTable: string | undefined };
}

/**
 * One role of shardwatch as a Fargate service: `shardwatch run --role <role>` with the config from SSM, a
 * container health check on /healthz, a task role allowed exactly the calls the consumer and the sinks make
 * (on these resources), and scaling on the iterator age of the stream it reads.
 */
export class ShardwatchService extends Construct {
  readonly role: ShardwatchServiceProps['role'];
  readonly service: ecs.FargateService;
  readonly securityGroup: ec2.SecurityGroup;
  /** The stream this service reads: its iterator age scales it; its name is the EMF `Stream` dimension. */
  readonly stream: kinesis.Stream;

  constructor(scope: Construct, id: string, props: ShardwatchServiceProps) {
    super(scope, id);
    const { role, settings } = props;
    this.role = role;
    this.stream = props.reads.stream;
    const taskRole = new iam.Role(this, 'TaskRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: `shardwatch ${role}: the calls the consumer and the sinks make`,
    });
    for (const statement of taskStatements(props)) taskRole.addToPolicy(statement);
    if (props.sinks.timestreamTable)
      Validations.of(taskRole).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason:
          'timestream:DescribeEndpoints (the SDK endpoint discovery before WriteRecords) has no resource-level permissions: it needs Resource *.',
      });

    const task = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: settings.cpu,
      memoryLimitMiB: settings.memoryMiB,
      taskRole,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    task.addContainer('shardwatch', {
      image: props.image,
      command: ['run', '--role', role],
      secrets: { SHARDWATCH_CONFIG: ecs.Secret.fromSsmParameter(props.config), ...props.secrets },
      logging: ecs.LogDrivers.awsLogs({ logGroup: props.logGroup, streamPrefix: role }),
      portMappings: [{ containerPort: HEALTH_PORT, name: 'metrics' }],
      healthCheck: {
        // 503 while a sink is unhealthy: ECS replaces a task that cannot deliver findings.
        command: [
          'CMD',
          'node',
          '-e',
          `fetch('http://127.0.0.1:${HEALTH_PORT}/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
        ],
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(60),
      },
      // SIGTERM, then this long to flush findings, checkpoint and release the leases before SIGKILL.
      stopTimeout: Duration.seconds(60),
    });
    Validations.of(task).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason:
        'The execution role pulls the image from ECR: ecr:GetAuthorizationToken has no resource-level permissions and needs Resource *.',
    });

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.cluster.vpc,
      description: `shardwatch ${role}: no inbound; outbound to AWS APIs (and InfluxDB)`,
    });
    this.service = new ecs.FargateService(this, 'Service', {
      cluster: props.cluster,
      taskDefinition: task,
      desiredCount: settings.minTasks,
      securityGroups: [this.securityGroup],
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
    });

    const scaling = this.service.autoScaleTaskCount({
      minCapacity: settings.minTasks,
      maxCapacity: settings.maxTasks,
    });
    scaling.scaleOnMetric('IteratorAge', {
      metric: iteratorAge(this.stream),
      adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      // Under a minute behind: one task fewer; 5 and 15 minutes behind: one and two more.
      scalingSteps: [
        { upper: 60_000, change: -1 },
        { lower: 300_000, change: +1 },
        { lower: 900_000, change: +2 },
      ],
      cooldown: Duration.minutes(5),
      evaluationPeriods: 3,
    });
  }
}

/** Maximum age of the records GetRecords returned from the stream, per minute. */
export function iteratorAge(stream: kinesis.Stream): cloudwatch.Metric {
  return stream.metricGetRecordsIteratorAgeMilliseconds({
    statistic: 'Maximum',
    period: Duration.minutes(1),
  });
}

/**
 * The task role's statements: each action is the IAM action of an SDK command the code sends (infra/test
 * checks this against processor/), on the resources of this deployment.
 */
function taskStatements(props: ShardwatchServiceProps): iam.PolicyStatement[] {
  const { reads, snapshots, publishesTo, sinks } = props;
  const statements = [
    new iam.PolicyStatement({
      sid: 'ReadStream',
      actions: ['kinesis:ListShards', 'kinesis:GetShardIterator', 'kinesis:GetRecords'],
      resources: [reads.stream.streamArn],
    }),
    new iam.PolicyStatement({
      sid: 'Leases',
      actions: [
        'dynamodb:DescribeTable',
        'dynamodb:Scan',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
      ],
      resources: [reads.leases.tableArn],
    }),
    new iam.PolicyStatement({
      sid: 'PublishFindings',
      actions: ['sns:Publish'],
      resources: sinks.topics.map((topic) => topic.topicArn),
    }),
    new iam.PolicyStatement({
      sid: 'EncryptedTopics',
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: [sinks.topicKey.keyArn],
    }),
  ];
  if (snapshots)
    statements.push(
      new iam.PolicyStatement({
        sid: 'EngineSnapshots',
        actions: ['dynamodb:DescribeTable', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:BatchWriteItem'],
        resources: [snapshots.tableArn],
      }),
    );
  if (publishesTo)
    statements.push(
      new iam.PolicyStatement({
        sid: 'PublishKeyedEvents',
        actions: ['kinesis:PutRecords'],
        resources: [publishesTo.streamArn],
      }),
    );
  if (sinks.timestreamTable)
    statements.push(
      new iam.PolicyStatement({
        sid: 'WriteFindings',
        actions: ['timestream:WriteRecords'],
        resources: [sinks.timestreamTable],
      }),
      new iam.PolicyStatement({
        sid: 'TimestreamEndpoints',
        actions: ['timestream:DescribeEndpoints'],
        resources: ['*'],
      }),
    );
  return statements;
}

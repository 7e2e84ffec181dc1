import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from './deployed-config.js';
import { iteratorAge, type ShardwatchService } from './service.js';

export interface ShardwatchAlarmsProps {
  services: ShardwatchService[];
  /** Encrypts the alarm topic (its key policy lets CloudWatch use it). */
  key: kms.Key;
  email: string | undefined;
}

/** A task's EMF metric (one line a minute, see processor/cli/emf-metrics.ts), summed over the service's tasks. */
function taskMetric(
  service: ShardwatchService,
  metricName: string,
  statistic: string,
  period = Duration.minutes(1),
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { Stream: service.stream.streamName, Role: service.role },
    statistic,
    period,
  });
}

/**
 * What an operator must act on (the README says what to do for each): per service, the stream falling
 * behind, no task holding a lease, a sink failing; and any dead letter. Alarms go to an SNS topic.
 */
export class ShardwatchAlarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: ShardwatchAlarmsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'shardwatch alarms',
      masterKey: props.key,
      enforceSSL: true,
    });
    if (props.email) this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
    const alarm = (name: string, options: cloudwatch.AlarmProps) => {
      const created = new cloudwatch.Alarm(this, name, options);
      created.addAlarmAction(new actions.SnsAction(this.topic));
      created.addOkAction(new actions.SnsAction(this.topic));
      this.alarms.push(created);
    };
    for (const service of props.services) {
      const Role = service.role[0]?.toUpperCase() + service.role.slice(1);
      alarm(`${Role}IteratorAge`, {
        alarmDescription: `shardwatch ${service.role}: records wait more than 10 minutes in ${service.role === 'detect' ? 'the keyed stream' : 'the source stream'} (findings are late)`,
        metric: iteratorAge(service.stream),
        threshold: 600_000,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 5,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm(`${Role}NoLeasesHeld`, {
        alarmDescription: `shardwatch ${service.role}: no task holds a shard lease (nothing is being read)`,
        metric: taskMetric(service, 'ShardsLeased', 'Sum'),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 5,
        // No metrics at all means no task is running.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
      alarm(`${Role}SinkUnhealthy`, {
        alarmDescription: `shardwatch ${service.role}: a sink (SNS, Timestream, InfluxDB) keeps failing; findings wait and reading slows`,
        metric: taskMetric(service, 'UnhealthySinks', 'Maximum'),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    const usingMetrics: Record<string, cloudwatch.IMetric> = {};
    props.services.forEach((service, index) => {
      usingMetrics[`records${index}`] = taskMetric(service, 'DeadLetters', 'Sum', Duration.minutes(5));
      usingMetrics[`findings${index}`] = taskMetric(service, 'RejectedFindings', 'Sum', Duration.minutes(5));
    });
    alarm('DeadLetters', {
      alarmDescription:
        'shardwatch: records could not be decoded, or a sink refused findings for good: both were dead-lettered',
      metric: new cloudwatch.MathExpression({
        expression: Object.keys(usingMetrics).join(' + '),
        usingMetrics,
        label: 'dead letters',
        period: Duration.minutes(5),
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}

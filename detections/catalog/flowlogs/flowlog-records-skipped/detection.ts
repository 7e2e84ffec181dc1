import { map } from 'rxjs';
import type { Detection } from '../../../api.js';
import { buildFinding } from '../../../finding.js';
import { hours } from '../../../operators/index.js';
import { NO_START_TIME, OCSF_RECORD } from '../panther-flow-tests.js';

/**
 * Flow log records with log status SKIPDATA: records were lost for that capture window. One finding per
 * network interface a day.
 */
export const detection: Detection = {
  id: 'flowlog-records-skipped',
  title: 'VPC flow log records skipped',
  description:
    'A flow log reported SKIPDATA for a network interface: flow records of the capture window were lost, ' +
    'because of an internal error or because the interface exceeded the capacity of its flow log. Traffic in ' +
    'that window is invisible to the flow-log detections. Occasional gaps are normal; repeated ones on the same ' +
    'interface mean the flow log is undersized or being flooded.',
  severity: 'low',
  mitre: ['T1562.008'],
  tactics: ['defense-evasion'],
  panther: {
    rules: ['AWS.VPC.HealthyLogStatus'],
    differences: [
      { rule: 'AWS.VPC.HealthyLogStatus', test: 'Unhealthy Log Status', reason: NO_START_TIME },
      {
        rule: 'AWS.VPC.HealthyLogStatus',
        test: 'Unhealthy Log Status - OCSF',
        reason: OCSF_RECORD,
      },
    ],
  },
  runbook: 'https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-records-examples.html',
  remediation:
    'Check how often the interface skips (CloudWatch Logs Insights on the flow log group: `filter logStatus = ' +
    '"SKIPDATA" | stats count() by interfaceId`). If it repeats, the flow log cannot keep up: publish it to S3 ' +
    'or Data Firehose rather than CloudWatch Logs (`aws ec2 create-flow-logs --log-destination-type s3 ...`), ' +
    'and look for a traffic flood on the interface.',
  routes: [{ source: 'flowlog', actions: ['SKIPDATA'] }],
  dedupPeriodMs: hours(24),
  operator: () => (events) =>
    events.pipe(
      map((event) => {
        const eni = event.flow?.interfaceId ?? 'unknown';
        const start = new Date(event.flow?.start ?? event.time).toISOString();
        const end = event.flow?.end ? new Date(event.flow.end).toISOString() : 'unknown';
        return buildFinding(detection, {
          key: `${event.account ?? 'unknown'}/${eni}`,
          trigger: event,
          title: `Flow log records skipped for ${eni}`,
          description: `The flow log of ${eni} lost its records between ${start} and ${end} (log status SKIPDATA).`,
          principal: null,
          context: { interfaceId: eni, captureStart: start, captureEnd: end },
        });
      }),
    ),
};

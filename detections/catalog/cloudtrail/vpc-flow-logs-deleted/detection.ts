import type { SecurityEvent } from '../../../../schemas/types.js';
import { successOrDenied } from '../denied-attempts.js';
import { oneOrMany, scalar, scalars } from '../query-shape.js';
import { at, items, request, response, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'vpc-flow-logs-deleted',
  title: 'VPC flow logs deleted',
  description:
    'Flow logs were deleted from a VPC, subnet or network interface: the network record of what reaches and ' +
    'leaves the workloads stops, and with it the flow-log detections of this monitor. Attackers remove them ' +
    'before scanning, moving laterally or exfiltrating. Tearing down a whole VPC deletes its flow logs too; ' +
    'check for a DeleteVpc right after. A call refused for lack of permission counts.',
  severity: 'high',
  mitre: ['T1562.008'],
  tactics: ['defense-evasion'],
  failedCalls: 'counted',
  panther: { rules: ['AWS.VPCFlow.LogsDeleted'] },
  stratus: ['aws.defense-evasion.vpc-remove-flow-logs'],
  runbook: 'https://docs.aws.amazon.com/vpc/latest/userguide/working-with-flow-logs.html',
  remediation:
    'Recreate the flow logs (VPC console → the VPC → Flow logs → Create flow log, or `aws ec2 create-flow-logs ' +
    '--resource-type VPC --resource-ids <vpc> --traffic-type ALL --log-destination-type s3 --log-destination ' +
    '<bucket-arn>`) from IaC, ask the caller why they were removed, and deny ec2:DeleteFlowLogs outside the ' +
    "network team's pipeline with an SCP.",
  actions: ['ec2:DeleteFlowLogs'],
  match: successOrDenied((event) => {
    const ids = deletedFlowLogs(event);
    const label = ids.length > 0 ? ids.join(', ') : 'unknown flow logs';
    const who = actor(event);
    return {
      key: `${event.account}:${event.region}:${label}`,
      title: `VPC flow logs ${label} deleted in ${event.region ?? 'an unknown region'} by ${who}`,
      description: `${who} deleted flow log(s) ${label}: traffic of the resources they covered is no longer recorded.`,
      resources: ids.map((id) => ({ type: 'AWS::EC2::FlowLog', id, account: event.account })),
      context: { flowLogIds: ids.join(',') },
    };
  }),
});

/**
 * The flow log ids the call deleted: `DeleteFlowLogsRequest.FlowLogId` (one `{content}` or a list of them),
 * or the older `flowLogIds` item list; ids the response reports as `unsuccessful` are left out.
 */
function deletedFlowLogs(event: SecurityEvent): string[] {
  const requested = [
    ...scalars(request(event, 'DeleteFlowLogsRequest', 'FlowLogId')),
    ...items(request(event, 'flowLogIds'))
      .map((item) => text(item) ?? text(at(item, 'flowLogId')) ?? text(at(item, 'item')))
      .filter((id): id is string => id !== null),
  ];
  const unsuccessful = new Set(
    oneOrMany(response(event, 'DeleteFlowLogsResponse', 'unsuccessful', 'item')).map((item) =>
      scalar(at(item, 'resourceId')),
    ),
  );
  return [...new Set(requested)].filter((id) => !unsuccessful.has(id));
}

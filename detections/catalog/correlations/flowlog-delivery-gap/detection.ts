import { filter, map } from 'rxjs';
import type { Detection } from '../../../api.js';
import { buildFinding } from '../../../finding.js';
import { absence, hours, minutes } from '../../../operators/index.js';
import { paramReader } from '../../params.js';
import { interfaceOf } from '../flow.js';
import { type Heartbeat, heartbeats } from '../heartbeats.js';
import type { CorrelationShape } from '../shape.js';
import { story } from '../story.js';

const ID = 'flowlog-delivery-gap';

/** `gapMinutes`: how long an interface that sent flow records may stay silent. */
export const DEFAULT_PARAMS = { gapMinutes: 30 };

export const shape: CorrelationShape = {
  window: 'absence 30 min (1-min heartbeats)',
  key: 'interface (ENI)',
  partitionKey: 'interface (ENI)',
};

/**
 * An interface that sent flow records falls silent for longer than `gapMinutes`. A flow log sends a record for
 * every aggregation interval, NODATA when there was no traffic, so silence means delivery stopped: the flow log
 * was deleted or its delivery role broken (visibility lost), or the interface itself went away (a terminated
 * instance). Found with `absence` on the watermark, never the wall clock: a gap is reported once later records
 * of other interfaces prove that time has passed, and never at the end of the input.
 */
export const detection: Detection = {
  id: ID,
  title: 'Flow log records stopped arriving for an interface',
  description:
    'A network interface that sent VPC flow log records (traffic or NODATA) sent none for more than 30 minutes ' +
    'of event time while other interfaces kept reporting. Either its flow log was deleted or stopped delivering ' +
    '— traffic is then invisible, which attackers arrange before moving data — or the interface was deleted with ' +
    'its instance. Low on its own; check for a DeleteFlowLogs call or a terminated instance.',
  severity: 'low',
  mitre: ['T1562.008'],
  tactics: ['defense-evasion'],
  runbook: 'https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-troubleshooting.html',
  remediation:
    'Check whether the interface still exists (`aws ec2 describe-network-interfaces --network-interface-ids ' +
    '<eni>`). If it does, check its flow log (`aws ec2 describe-flow-logs --filter Name=resource-id,Values=<vpc or ' +
    'eni>`: status, DeliverLogsErrorMessage), recreate it if deleted, fix the delivery role or destination, and ' +
    'look in CloudTrail for ec2:DeleteFlowLogs.',
  routes: [{ source: 'flowlog', actions: ['ACCEPT', 'REJECT', 'NODATA', 'SKIPDATA'] }],
  dedupPeriodMs: hours(24),
  stateful: { partitionKey: interfaceOf },
  operator: ({ clock, params }) => {
    const within = minutes(paramReader(ID, params).positiveInteger('gapMinutes', DEFAULT_PARAMS.gapMinutes));
    const key = (heartbeat: Heartbeat) => heartbeat.key;
    return (events) =>
      events.pipe(
        heartbeats({ clock, key: interfaceOf, bucket: minutes(1) }),
        // biome-ignore lint/suspicious/noThenProperty: the absence contract names the pair first/then; never awaited
        absence({ clock, first: key, then: key, within }),
        // At the end of the input the wait is cut short, not over: only what the watermark passed is a gap.
        filter((heartbeat) => heartbeat.time + within < clock.watermark),
        map((heartbeat) => gapFinding(heartbeat, within)),
      );
  },
};

function gapFinding(heartbeat: Heartbeat, within: number) {
  const last = heartbeat.event;
  const told = story([{ name: 'last records before the silence', events: [last] }]);
  const silentFrom = new Date(heartbeat.time + minutes(1)).toISOString();
  return buildFinding(detection, {
    key: heartbeat.key,
    trigger: last,
    events: told.events,
    principal: null,
    title: `No flow records from ${heartbeat.key} for over ${within / 60_000} minutes (since ${silentFrom})`,
    description:
      `${heartbeat.key} sent flow records until the minute starting ${new Date(heartbeat.time).toISOString()}, then ` +
      `none for more than ${within / 60_000} minutes while other flow records kept arriving.`,
    resources: [{ type: 'AWS::EC2::NetworkInterface', id: heartbeat.key, account: last.account }],
    context: { ...told.context, silentSince: silentFrom, gapMinutes: String(within / 60_000) },
  });
}

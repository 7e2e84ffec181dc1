import { filter, map } from 'rxjs';
import type { SecurityEvent } from '../../../../schemas/types.js';
import type { Detection } from '../../../api.js';
import { buildFinding } from '../../../finding.js';
import { type AggregateMatch, aggregate, hours } from '../../../operators/index.js';
import { paramReader } from '../../params.js';
import { formatBytes, interfaceOf, isEgressToInternet, keepLargest } from '../flow.js';
import type { CorrelationShape } from '../shape.js';
import { story } from '../story.js';

const ID = 'flowlog-eni-egress-above-baseline';

/**
 * `factor`: how many times the interface's median hour this hour must be; `minMegabytes`: below this nothing is
 * reported; `minHours`: hours of history before the baseline counts; `baselineHours`: how many hours it keeps.
 */
export const DEFAULT_PARAMS = { factor: 10, minMegabytes: 500, minHours: 6, baselineHours: 24 };

export const shape: CorrelationShape = {
  window: 'tumbling 1 h; baseline: last 24 hourly totals in the state cache',
  key: 'interface (ENI)',
  partitionKey: 'interface (ENI)',
};

interface HourlyEgress {
  bytes: number;
  flows: number;
  largest: SecurityEvent[];
}

/**
 * Bytes an interface sent to the internet in an hour, far above its own baseline (the median of its recent
 * hours with traffic): data leaving in bulk. Totals are folded as records arrive (the hour's records are not
 * kept); the baseline lives in the state cache, so it is bounded and survives with the rest of the state.
 */
export const detection: Detection = {
  id: ID,
  title: 'Network interface sent far more to the internet than usual',
  description:
    'An interface sent, within one hour, at least 10 times its median hourly volume to internet addresses (and ' +
    'at least 500 MB), judged against its own last 24 hours with traffic once it has 6 of them. Exfiltration ' +
    'moves data in bulk from a host that normally sends little; backups or releases to the internet do too, so ' +
    'the finding names the largest destinations.',
  severity: 'high',
  mitre: ['T1048', 'T1567', 'T1030'],
  tactics: ['exfiltration'],
  runbook: 'https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-records-examples.html',
  remediation:
    'Identify the instance behind the interface (`aws ec2 describe-network-interfaces --network-interface-ids ' +
    '<eni>`) and the destinations in the finding. If the transfer is not expected, isolate the instance (a ' +
    'security group with no outbound rules), snapshot its volumes, and investigate what sent the data; block the ' +
    'destination in the network ACL or AWS Network Firewall.',
  routes: [{ source: 'flowlog', actions: ['ACCEPT'] }],
  dedupPeriodMs: hours(6),
  stateful: { partitionKey: (event) => (isEgressToInternet(event) ? interfaceOf(event) : null) },
  operator: ({ clock, state, params }) => {
    const read = paramReader(ID, params);
    const settings = {
      factor: read.number('factor', DEFAULT_PARAMS.factor, { min: 1, max: 1_000_000 }),
      minMegabytes: read.positiveInteger('minMegabytes', DEFAULT_PARAMS.minMegabytes),
      minHours: read.positiveInteger('minHours', DEFAULT_PARAMS.minHours),
      baselineHours: read.positiveInteger('baselineHours', DEFAULT_PARAMS.baselineHours),
    };
    return (events) =>
      events.pipe(
        filter(isEgressToInternet),
        aggregate<SecurityEvent, HourlyEgress>({
          clock,
          key: interfaceOf,
          size: hours(1),
          seed: () => ({ bytes: 0, flows: 0, largest: [] }),
          add: (hour, event) => {
            hour.bytes += event.flow?.bytes ?? 0;
            hour.flows += 1;
            hour.largest = keepLargest(hour.largest, event, 10);
            return hour;
          },
        }),
        // Windows of a key fire in time order, so each hour is judged against the hours before it.
        map((hour) => {
          const history = [...state.series(ID, hour.key)];
          state.appendToSeries(ID, hour.key, hour.value.bytes, settings.baselineHours);
          return { hour, history };
        }),
        filter(({ hour, history }) => {
          if (history.length < settings.minHours || hour.value.bytes < settings.minMegabytes * 1_000_000)
            return false;
          return hour.value.bytes >= settings.factor * median(history);
        }),
        map(({ hour, history }) => egressFinding(hour, median(history))),
      );
  },
};

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function egressFinding(hour: AggregateMatch<HourlyEgress>, baseline: number) {
  const { key: eni, value } = hour;
  const trigger = value.largest[0] as SecurityEvent;
  const destinations = [...new Set(value.largest.map((event) => event.flow?.dstAddr ?? ''))].filter(Boolean);
  const told = story([{ name: 'largest transfers', events: value.largest }]);
  const ratio = baseline > 0 ? Math.round(value.bytes / baseline) : null;
  return buildFinding(detection, {
    key: eni,
    trigger,
    events: told.events,
    window: hour.window,
    count: value.flows,
    principal: null,
    title: `${eni} sent ${formatBytes(value.bytes)} to the internet in an hour${ratio ? `, ${ratio}× its usual` : ''}`,
    description:
      `${eni} sent ${formatBytes(value.bytes)} in ${value.flows} flows to internet addresses between ` +
      `${new Date(hour.window.start).toISOString()} and ${new Date(hour.window.end).toISOString()}; its median hour ` +
      `is ${formatBytes(baseline)}. Largest destinations: ${destinations.join(', ')}.`,
    resources: [{ type: 'AWS::EC2::NetworkInterface', id: eni, account: trigger.account }],
    context: {
      ...told.context,
      bytes: String(value.bytes),
      baselineBytes: String(Math.round(baseline)),
      flows: String(value.flows),
      destinations: destinations.join(','),
    },
  });
}

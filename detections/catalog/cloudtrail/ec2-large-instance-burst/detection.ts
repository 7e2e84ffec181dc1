import { filter, map, mergeMap } from 'rxjs';
import type { Detection } from '../../../api.js';
import { buildFinding, MAX_EVIDENCE, principalLabel } from '../../../finding.js';
import { minutes, threshold, tumbling, type WindowMatch } from '../../../operators/index.js';
import { isLargeInstanceType } from './large-instance-type.js';
import { type LaunchedInstance, launchedInstances } from './launched-instances.js';

const ID = 'ec2-large-instance-burst';

/**
 * `moreThan`: fires when an account launches more than this many large instances in one window;
 * `minSize`: smallest `<N>xlarge` multiple that counts as large (bare metal always does).
 */
export const DEFAULT_PARAMS = { moreThan: 5, minSize: 8, windowMinutes: 5 };

import { paramReader } from '../../params.js';

/** More than `moreThan` large instances launched per account within a tumbling window (default 5 in 5 min). */
export const detection: Detection = {
  id: ID,
  title: 'Burst of large EC2 instance launches',
  description:
    'An account launched more large EC2 instances (8xlarge and up, or bare metal) within a few minutes than ' +
    'normal provisioning does. Stolen credentials are most often spent this way: GPU and compute-heavy ' +
    'fleets for crypto-mining, which run up the bill by the hour until someone stops them.',
  severity: 'high',
  mitre: ['T1578.002', 'T1496'],
  tactics: ['impact'],
  failedCalls: 'ignored',
  runbook: 'https://docs.aws.amazon.com/guardduty/latest/ug/compromised-creds.html',
  remediation:
    'Check with the principal who launched the instances whether the launch was planned. If not: stop them ' +
    '(EC2 console > Instances > select > Instance state > Stop, or `aws ec2 stop-instances --instance-ids ...`), ' +
    'snapshot their volumes for investigation, deactivate the access key or revoke the role sessions that launched ' +
    "them (IAM console > Roles > Revoke active sessions), and lower the account's EC2 vCPU quotas in Service Quotas " +
    'to what the workloads really need.',
  routes: [{ source: 'cloudtrail', actions: ['ec2:RunInstances'] }],
  stateful: {},
  operator: ({ clock, params }) => {
    const read = paramReader(ID, params);
    const settings = {
      moreThan: read.nonNegativeInteger('moreThan', DEFAULT_PARAMS.moreThan),
      minSize: read.positiveInteger('minSize', DEFAULT_PARAMS.minSize),
      windowMinutes: read.positiveInteger('windowMinutes', DEFAULT_PARAMS.windowMinutes),
    };
    return (events) =>
      events.pipe(
        filter((event) => event.errorCode === null),
        mergeMap((event) =>
          launchedInstances(event).filter((launch) =>
            isLargeInstanceType(launch.instanceType, settings.minSize),
          ),
        ),
        threshold({
          clock,
          key: (launch: LaunchedInstance) => launch.event.account,
          window: tumbling(minutes(settings.windowMinutes)),
          atLeast: settings.moreThan + 1,
        }),
        map((match) => burstFinding(match, settings)),
      );
  },
};

function burstFinding(match: WindowMatch<LaunchedInstance>, settings: typeof DEFAULT_PARAMS) {
  const calls = [...new Set(match.items.map((launch) => launch.event))];
  const principals = distinct(calls.map(principalLabel));
  const regions = distinct(calls.map((event) => event.region));
  const types = distinct(match.items.map((launch) => launch.instanceType));
  return buildFinding(detection, {
    key: match.key,
    // A match holds at least moreThan + 1 ≥ 1 items; the latest launch completes the burst.
    trigger: match.items.at(-1)!.event,
    events: calls,
    window: match.window,
    count: match.count,
    title: `${match.count} large EC2 instances (${types.join(', ')}) launched in account ${match.key} within ${settings.windowMinutes} minutes`,
    description:
      `${principals.join(', ') || 'Unknown principals'} launched ${match.count} large instances in ` +
      `${regions.join(', ') || 'an unknown region'} in ${calls.length} call(s); more than ${settings.moreThan} ` +
      `within ${settings.windowMinutes} minutes is unusual and typical of crypto-mining with stolen credentials.`,
    principal: principals.length === 1 ? principals[0] : null,
    region: regions.length === 1 ? regions[0] : null,
    resources: match.items
      .flatMap((launch) =>
        launch.instanceId
          ? [{ type: 'AWS::EC2::Instance', id: launch.instanceId, account: launch.event.account }]
          : [],
      )
      .slice(0, MAX_EVIDENCE),
    context: {
      instanceCount: String(match.count),
      instanceTypes: types.join(','),
      regions: regions.join(','),
      principals: principals.join(','),
      moreThan: String(settings.moreThan),
      windowMinutes: String(settings.windowMinutes),
    },
  });
}

/** Sorted distinct non-null values. */
function distinct(values: readonly (string | null)[]): string[] {
  return [...new Set(values.filter((value): value is string => value !== null))].sort();
}

import { filter, map } from 'rxjs';
import type { SecurityEvent } from '../../../../schemas/types.js';
import type { Detection } from '../../../api.js';
import { buildFinding, principalLabel } from '../../../finding.js';
import { hours } from '../../../operators/index.js';
import { field, text } from '../../cloudtrail/record.js';
import { paramReader } from '../../params.js';
import { type FirstOccurrence, firstOccurrence } from '../first-occurrence.js';
import { isAwsServiceCall } from '../principal.js';
import type { CorrelationShape } from '../shape.js';
import { story } from '../story.js';

const ID = 'account-new-region-used';

/** `learningHours`: how long an account must have been seen before a region counts as new for it. */
export const DEFAULT_PARAMS = { learningHours: 24 };

export const shape: CorrelationShape = {
  window: 'state cache TTL (30 d) of each account’s regions; 24 h learning',
  key: 'account + region',
  partitionKey: 'account',
};

/** Services whose calls all carry one nominal region (us-east-1): they say nothing about where work runs. */
const GLOBAL_SERVICES = new Set([
  'iam',
  'sts',
  'signin',
  'organizations',
  'cloudfront',
  'route53',
  'route53domains',
  'support',
  'health',
  'budgets',
  'ce',
  'account',
  'billing',
  'sso',
  'trustedadvisor',
  'globalaccelerator',
  'shield',
  'waf',
]);

/**
 * An account changing something in a region it never used before (after a day of learning): attackers run
 * crypto-miners and hide resources in regions nobody watches. Writes only, by principals (not AWS services);
 * global services are left out.
 */
export const detection: Detection = {
  id: ID,
  title: 'Account used a region for the first time',
  description:
    'A principal made a change (not a read) in a region the account had not used since shardwatch has watched it ' +
    '(a day of learning first). Unused regions are where stolen credentials run crypto-miners and hide ' +
    'resources, since nobody looks there; enabling Service Control Policies that deny unused regions prevents it. ' +
    'Calls to global services (IAM, STS, Organizations, CloudFront, Route 53…) and by AWS services are left out.',
  severity: 'medium',
  mitre: ['T1535', 'T1496'],
  tactics: ['defense-evasion', 'impact'],
  failedCalls: 'counted',
  runbook:
    'https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html#example-scp-deny-region',
  remediation:
    'Ask the principal why it works in that region. If nobody should: list what was created there (EC2 console → ' +
    'switch to the region; `aws resourcegroupstaggingapi get-resources --region <region>`), terminate it, rotate ' +
    'the credentials used, and deny the region with an SCP (aws:RequestedRegion) or disable an opt-in region ' +
    '(`aws account disable-region --region-name <region>`).',
  routes: [{ source: 'cloudtrail', actions: '*', changesOnly: true }],
  dedupPeriodMs: hours(24),
  stateful: { partitionKey: (event) => (isRegionalChange(event) ? event.account : null) },
  operator: ({ clock, state, params }) => {
    const learningHours = paramReader(ID, params).nonNegativeInteger(
      'learningHours',
      DEFAULT_PARAMS.learningHours,
    );
    return (events) =>
      events.pipe(
        filter(isRegionalChange),
        firstOccurrence({
          clock,
          state,
          kind: ID,
          subject: (event) => event.account,
          facts: (event) => [event.region as string],
        }),
        filter(
          (first) =>
            first.subjectSince !== null && first.event.time - first.subjectSince >= hours(learningHours),
        ),
        map(newRegionFinding),
      );
  },
};

function isRegionalChange(event: SecurityEvent): boolean {
  return (
    event.source === 'cloudtrail' &&
    event.readOnly === false &&
    event.account !== null &&
    event.region !== null &&
    !GLOBAL_SERVICES.has(event.action.split(':')[0] ?? '') &&
    text(field(event, 'eventType')) !== 'AwsServiceEvent' &&
    !isAwsServiceCall(event)
  );
}

function newRegionFinding(first: FirstOccurrence) {
  const { event } = first;
  const who = principalLabel(event) ?? 'an unknown principal';
  const told = story([{ name: 'first change in the region', events: [event] }]);
  return buildFinding(detection, {
    key: `${event.account}|${event.region}`,
    trigger: event,
    events: told.events,
    title: `Account ${event.account} used region ${event.region} for the first time: ${event.action} by ${who}`,
    description:
      `${told.summary}. Account ${event.account} has been seen since ${new Date(first.subjectSince as number).toISOString()} ` +
      `and never changed anything in ${event.region} before.`,
    context: {
      ...told.context,
      region: event.region ?? '',
      knownSince: new Date(first.subjectSince as number).toISOString(),
    },
  });
}

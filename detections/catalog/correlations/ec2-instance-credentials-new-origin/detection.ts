import { filter, map } from 'rxjs';
import type { SecurityEvent } from '../../../../schemas/types.js';
import type { Detection } from '../../../api.js';
import { buildFinding } from '../../../finding.js';
import { hours } from '../../../operators/index.js';
import { isPublicAddress } from '../address-list.js';
import { type FirstOccurrence, firstOccurrence } from '../first-occurrence.js';
import { AMAZON_ASNS, awsAsnsParam, type IpFacts, ipDatabaseFiles, openIpDatabase } from '../ip-database.js';
import { isAwsServiceCall } from '../principal.js';
import type { CorrelationShape } from '../shape.js';
import { story } from '../story.js';

const ID = 'ec2-instance-credentials-new-origin';

/** `awsAsns`: the autonomous systems whose addresses are AWS's (EC2, NAT gateways). */
export const DEFAULT_PARAMS = { awsAsns: [...AMAZON_ASNS] };

export const shape: CorrelationShape = {
  window: 'state cache TTL (30 d) of each instance’s origins',
  key: 'instance + source address',
  partitionKey: 'instance id',
};

/** EC2 names the role session of an instance profile after the instance. */
const INSTANCE_SESSION = /^i-[0-9a-f]{8,17}$/;

/**
 * Calls made with an EC2 instance's role credentials (the session named after the instance) from a public
 * address the instance never used before: from outside AWS (an address of no AWS autonomous system) at any
 * time, or from another AWS address once the instance has an established one (stolen credentials used from an
 * attacker's own EC2). Learned from CloudTrail alone; GuardDuty is not needed.
 */
export const detection: Detection = {
  id: ID,
  title: 'EC2 instance credentials used from a new address',
  description:
    "An EC2 instance's role credentials (delivered by the instance metadata service, session named after the " +
    'instance) called AWS from a public address it had not used before: outside AWS (high), or another AWS ' +
    'address than the one(s) it calls from (medium). An instance calls AWS from its own address or its NAT ' +
    "gateway's; the same credentials elsewhere were taken from the instance (SSRF to the metadata service, a " +
    'compromised host). Private addresses and VPC endpoints are the instance itself and are not reported.',
  severity: 'high',
  mitre: ['T1552.005', 'T1078.004'],
  tactics: ['credential-access', 'lateral-movement'],
  failedCalls: 'counted',
  stratus: ['aws.credential-access.ec2-steal-instance-credentials'],
  runbook:
    'https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-iam.html#unauthorizedaccess-iam-instancecredentialexfiltrationoutsideaws',
  remediation:
    "If the address is not yours: revoke the role's active sessions (IAM console → Roles → <role> → Revoke active " +
    'sessions), require IMDSv2 on the instance (`aws ec2 modify-instance-metadata-options --instance-id <id> ' +
    '--http-tokens required`), look for the SSRF or the compromise on the instance, and review every call the ' +
    'credentials made from the new address.',
  routes: [{ source: 'cloudtrail', actions: '*', rawContains: ['/i-'] }],
  dedupPeriodMs: hours(24),
  stateful: { partitionKey: (event) => (isInstanceCall(event) ? instanceOf(event) : null) },
  operator: ({ clock, state, params }) => {
    const awsAsns = new Set(awsAsnsParam(ID, params.awsAsns));
    const addresses = openIpDatabase(ipDatabaseFiles(ID, params));
    return (events) =>
      events.pipe(
        filter(isInstanceCall),
        firstOccurrence({
          clock,
          state,
          kind: ID,
          subject: instanceOf,
          facts: (event) => [event.srcIp as string],
        }),
        map((first) => ({ first, facts: addresses.lookup(first.event.srcIp as string) })),
        filter(({ first, facts }) => !awsAsns.has(facts.asn ?? -1) || first.subjectSince !== null),
        map(({ first, facts }) => newOriginFinding(first, facts, awsAsns)),
      );
  },
};

function instanceOf(event: SecurityEvent): string | null {
  const name = event.principal?.name ?? '';
  return event.principal?.type === 'AssumedRole' && INSTANCE_SESSION.test(name) ? name : null;
}

/** A call with an instance's credentials from a public address, not by an AWS service on its behalf. */
function isInstanceCall(event: SecurityEvent): boolean {
  return (
    event.source === 'cloudtrail' &&
    instanceOf(event) !== null &&
    isPublicAddress(event.srcIp) &&
    !isAwsServiceCall(event)
  );
}

function newOriginFinding(first: FirstOccurrence, facts: IpFacts, awsAsns: ReadonlySet<number>) {
  const { event, subject: instance } = first;
  const outsideAws = !awsAsns.has(facts.asn ?? -1);
  const network = facts.asn === null ? 'no known network' : `AS${facts.asn} ${facts.network ?? ''}`.trim();
  const where = `${event.srcIp} (${network}${facts.country ? `, ${facts.country}` : ''})`;
  const told = story([
    { name: outsideAws ? 'call from outside AWS' : 'call from a new AWS address', events: [event] },
  ]);
  const role = event.principal?.sessionIssuer ?? null;
  return buildFinding(detection, {
    key: `${instance}|${event.srcIp}`,
    trigger: event,
    events: told.events,
    severity: outsideAws ? 'high' : 'medium',
    title: `Credentials of ${instance} used from ${outsideAws ? 'outside AWS' : 'a new AWS address'}: ${where}`,
    description:
      `${told.summary}. ` +
      (first.subjectSince === null
        ? `It is the first address seen for ${instance}, and it belongs to no AWS network.`
        : `${instance} has called AWS since ${new Date(first.subjectSince).toISOString()} from other addresses.`),
    resources: [
      { type: 'AWS::EC2::Instance', id: instance, account: event.account },
      ...(role ? [{ type: 'AWS::IAM::Role', id: role, account: event.account }] : []),
    ],
    context: {
      ...told.context,
      instanceId: instance,
      sourceIp: event.srcIp ?? '',
      asn: facts.asn === null ? '' : String(facts.asn),
      network: facts.network ?? '',
      country: facts.country ?? '',
      knownSince: first.subjectSince === null ? '' : new Date(first.subjectSince).toISOString(),
    },
  });
}

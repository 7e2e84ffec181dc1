import { filter, map } from 'rxjs';
import type { SecurityEvent } from '../../../../schemas/types.js';
import type { Detection } from '../../../api.js';
import { buildFinding, principalLabel } from '../../../finding.js';
import { hours } from '../../../operators/index.js';
import { response, text } from '../../cloudtrail/record.js';
import { type FirstOccurrence, firstOccurrence } from '../first-occurrence.js';
import { type IpDatabase, ipDatabaseFiles, openIpDatabase } from '../ip-database.js';
import { principalPartition } from '../principal.js';
import type { CorrelationShape } from '../shape.js';
import { story } from '../story.js';

const ID = 'signin-new-country-or-network';

export const shape: CorrelationShape = {
  window: 'state cache TTL (30 d) of each principal’s countries and networks',
  key: 'principal ARN + country / ASN',
  partitionKey: 'principal (account/unique id)',
};

/**
 * A console sign-in from a country, or a network (autonomous system), never seen for that principal before —
 * once the principal has signed in before, so a first sign-in is the baseline. Country and network come from
 * offline databases installed from the npm registry (GeoLite2 Country, RouteViews/NRO ASN ranges), loaded once.
 */
export const detection: Detection = {
  id: ID,
  title: 'Console sign-in from a new country or network',
  description:
    'A principal signed in to the console from a country (high) or a network — an autonomous system, e.g. a ' +
    'hosting provider or VPN instead of the usual ISP (medium) — it had never signed in from before. A stolen ' +
    'password or session is used from wherever the attacker is. Country and network are looked up offline ' +
    "(GeoLite2 Country and ASN ranges installed with shardwatch); the principal's first sign-in is its baseline.",
  severity: 'medium',
  mitre: ['T1078.004', 'T1133'],
  tactics: ['initial-access', 'persistence'],
  failedCalls: 'ignored',
  runbook:
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#enable-mfa-for-privileged-users',
  remediation:
    'Ask the person whether they signed in from there (travel, a new VPN). If not: reset their password ' +
    '(`aws iam update-login-profile --user-name <user> --password-reset-required`), deactivate their access keys, ' +
    'revoke their sessions, enforce MFA, and review what the session did (CloudTrail, filter on the principal).',
  routes: [{ source: 'cloudtrail', actions: ['signin:ConsoleLogin'] }],
  dedupPeriodMs: hours(24),
  stateful: { partitionKey: (event) => (isSignIn(event) ? principalPartition(event) : null) },
  operator: ({ clock, state, params }) => {
    const addresses = openIpDatabase(ipDatabaseFiles(ID, params));
    return (events) =>
      events.pipe(
        filter(isSignIn),
        firstOccurrence({
          clock,
          state,
          kind: ID,
          subject: (event) => principalLabel(event),
          facts: (event) => factsOf(addresses, event),
        }),
        filter((first) => first.subjectSince !== null),
        map((first) => newPlaceFinding(first, addresses)),
      );
  },
};

function isSignIn(event: SecurityEvent): boolean {
  return (
    event.action === 'signin:ConsoleLogin' &&
    text(response(event, 'ConsoleLogin')) === 'Success' &&
    event.srcIp !== null &&
    principalLabel(event) !== null
  );
}

function factsOf(addresses: IpDatabase, event: SecurityEvent): string[] {
  const { country, asn } = addresses.lookup(event.srcIp as string);
  return [...(country ? [`country:${country}`] : []), ...(asn !== null ? [`asn:${asn}`] : [])];
}

function newPlaceFinding(first: FirstOccurrence, addresses: IpDatabase) {
  const { event, subject: principal } = first;
  const { country, asn, network } = addresses.lookup(event.srcIp as string);
  const newCountry = first.newFacts.some((fact) => fact.startsWith('country:'));
  const place = newCountry ? `country ${country}` : `network AS${asn} ${network ?? ''}`.trim();
  const told = story([
    { name: newCountry ? 'sign-in from a new country' : 'sign-in from a new network', events: [event] },
  ]);
  return buildFinding(detection, {
    key: `${principal}|${newCountry ? `country:${country}` : `asn:${asn}`}`,
    trigger: event,
    events: told.events,
    severity: newCountry ? 'high' : 'medium',
    title: `${principal} signed in from a new ${place} (${event.srcIp})`,
    description:
      `${told.summary}. ${principal} has signed in since ${new Date(first.subjectSince as number).toISOString()}, ` +
      `never before from ${place}.`,
    context: {
      ...told.context,
      sourceIp: event.srcIp ?? '',
      country: country ?? '',
      asn: asn === null ? '' : String(asn),
      network: network ?? '',
      newFacts: first.newFacts.join(','),
    },
  });
}

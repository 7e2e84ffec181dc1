import ipaddr from 'ipaddr.js';
import { filter, map } from 'rxjs';
import type { SecurityEvent } from '../../../../schemas/types.js';
import type { Detection } from '../../../api.js';
import { buildFinding } from '../../../finding.js';
import { hours } from '../../../operators/index.js';
import { type FirstOccurrence, firstOccurrence } from '../../correlations/first-occurrence.js';
import { type IpDatabase, ipDatabaseFiles, openIpDatabase } from '../../correlations/ip-database.js';
import { at, field, items, request, succeeded, text } from '../record.js';
import { callContext } from '../rule.js';

const ID = 'cognito-refresh-token-new-network';

/** InitiateAuth's flows that exchange a refresh token (REFRESH_TOKEN is the older name of the same flow). */
const REFRESH_FLOWS = new Set(['REFRESH_TOKEN_AUTH', 'REFRESH_TOKEN']);

/** Who a refresh-token exchange was for, as far as CloudTrail records it. */
interface TokenHolder {
  account: string;
  /** The user pool: `additionalEventData.userPoolId`, or the resource ARN; null when the record has neither. */
  pool: string | null;
  client: string;
  /** The user's `sub` (`additionalEventData.sub`); null when the record does not name the user. */
  user: string | null;
}

/**
 * A Cognito user-pool refresh token exchanged for new tokens (GetTokensFromRefreshToken, InitiateAuth with
 * REFRESH_TOKEN_AUTH, the hosted UI's /oauth2/token with grant_type=refresh_token) from a country or a network
 * (autonomous system) the same user — or, when CloudTrail does not name the user, the same app client — had
 * never refreshed from before. Apps refresh constantly, so the first exchange of each holder is its baseline
 * and only a new place is reported, once per place.
 */
export const detection: Detection = {
  id: ID,
  title: 'Cognito refresh token used from a new country or network',
  description:
    'A Cognito user pool refresh token was exchanged for new access and ID tokens (GetTokensFromRefreshToken, ' +
    'InitiateAuth with REFRESH_TOKEN_AUTH, or the hosted UI token endpoint with grant_type=refresh_token) from ' +
    'a country (high) or a network — an autonomous system, e.g. a hosting provider instead of the usual ISP ' +
    '(medium) — never seen refreshing for that user before. A stolen refresh token keeps minting tokens for ' +
    'its lifetime (30 days by default) without the password or MFA, from wherever the attacker is. The holder ' +
    'is (app client, user `sub` from additionalEventData); CloudTrail redacts the token itself, and where a ' +
    'record does not name the user the app client as a whole is the holder (a coarser, noisier baseline: new ' +
    'countries are then medium, not high). The first exchange ' +
    'of each holder is its baseline. Refused exchanges mint nothing and are left out. Addresses are looked up ' +
    'offline (GeoLite2 Country and ASN ranges installed with shardwatch).',
  severity: 'medium',
  mitre: ['T1550.001', 'T1528', 'T1078.004'],
  tactics: ['persistence', 'credential-access', 'defense-evasion'],
  failedCalls: 'ignored',
  stratus: ['aws.persistence.cognito-refresh-token-reuse'],
  runbook:
    'https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-refresh-token.html',
  remediation:
    'Ask the user whether they use the app from there. If not, revoke the token and every session of the ' +
    'user: `aws cognito-idp admin-user-global-sign-out --user-pool-id <pool> --username <user>` (console: ' +
    'Cognito → User pools → <pool> → Users → <user> → Sign out of all sessions), or `aws cognito-idp ' +
    'revoke-token --client-id <client> --token <refresh token>` for one token; reset the password, look for ' +
    "where the token leaked (browser storage, logs, a compromised device), and shorten the app client's refresh " +
    'token validity (`aws cognito-idp update-user-pool-client --refresh-token-validity <days>`) or turn on ' +
    'refresh token rotation.',
  routes: [
    {
      source: 'cloudtrail',
      actions: [
        'cognito-idp:GetTokensFromRefreshToken',
        'cognito-idp:InitiateAuth',
        'cognito-idp:Token_POST',
      ],
    },
  ],
  dedupPeriodMs: hours(24),
  stateful: {
    partitionKey: (event) => {
      const holder = refreshHolder(event);
      return holder ? holderKey(holder) : null;
    },
  },
  operator: ({ clock, state, params }) => {
    const addresses = openIpDatabase(ipDatabaseFiles(ID, params));
    return (events) =>
      events.pipe(
        filter((event) => refreshHolder(event) !== null),
        firstOccurrence({
          clock,
          state,
          kind: ID,
          subject: (event) => {
            const holder = refreshHolder(event);
            return holder ? holderKey(holder) : null;
          },
          facts: (event) => placeFacts(addresses, event),
        }),
        filter((first) => first.subjectSince !== null),
        map((first) => newPlaceFinding(first, addresses)),
      );
  },
};

/** The holder of a successful refresh-token exchange from a known address; null for any other event. */
function refreshHolder(event: SecurityEvent): TokenHolder | null {
  if (!succeeded(event) || tokenEndpointStatus(event) >= 400 || event.srcIp === null) return null;
  if (!exchangesRefreshToken(event)) return null;
  const client =
    text(request(event, 'clientId')) ??
    firstValue(field(event, 'additionalEventData', 'requestParameters', 'client_id'));
  if (client === null) return null;
  return { account: event.account ?? 'unknown', pool: userPoolOf(event), client, user: userOf(event) };
}

function exchangesRefreshToken(event: SecurityEvent): boolean {
  switch (event.action) {
    case 'cognito-idp:GetTokensFromRefreshToken':
      return true;
    case 'cognito-idp:InitiateAuth':
      return REFRESH_FLOWS.has((text(request(event, 'authFlow')) ?? '').toUpperCase());
    case 'cognito-idp:Token_POST':
      return (
        firstValue(field(event, 'additionalEventData', 'requestParameters', 'grant_type')) === 'refresh_token'
      );
    default:
      return false;
  }
}

/** The hosted UI records the endpoint's HTTP status instead of an error code (0 when absent). */
function tokenEndpointStatus(event: SecurityEvent): number {
  const status = field(event, 'additionalEventData', 'responseParameters', 'status');
  return typeof status === 'number' ? status : 0;
}

/** The hosted UI records each query/form parameter as a list of values. */
function firstValue(value: ReturnType<typeof field>): string | null {
  return text(value) ?? text(items(value)[0]);
}

function userPoolOf(event: SecurityEvent): string | null {
  const recorded = text(field(event, 'additionalEventData', 'userPoolId'));
  if (recorded) return recorded;
  for (const resource of items(field(event, 'resources'))) {
    const pool = /:userpool\/(.+)$/.exec(text(at(resource, 'ARN')) ?? '')?.[1];
    if (pool) return pool;
  }
  return null;
}

function userOf(event: SecurityEvent): string | null {
  return text(field(event, 'additionalEventData', 'sub'));
}

/** App client ids are unique across pools, and only the hosted UI records the pool: the key leaves it out. */
function holderKey(holder: TokenHolder): string {
  return [holder.account, holder.client, holder.user ?? '*'].join('/');
}

/** Country and network of the address; its /24 (IPv4) or /48 (IPv6) when the databases do not know it. */
function placeFacts(addresses: IpDatabase, event: SecurityEvent): string[] {
  const address = event.srcIp as string;
  const { country, asn } = addresses.lookup(address);
  const facts = [...(country ? [`country:${country}`] : []), ...(asn !== null ? [`asn:${asn}`] : [])];
  return facts.length > 0 ? facts : [`net:${prefixOf(address)}`];
}

function prefixOf(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address);
  const cidr = `${parsed.toString()}/${parsed.kind() === 'ipv4' ? 24 : 48}`;
  const network =
    parsed.kind() === 'ipv4'
      ? ipaddr.IPv4.networkAddressFromCIDR(cidr)
      : ipaddr.IPv6.networkAddressFromCIDR(cidr);
  return `${network.toString()}${cidr.slice(cidr.indexOf('/'))}`;
}

function newPlaceFinding(first: FirstOccurrence, addresses: IpDatabase) {
  const { event, subject } = first;
  const holder = refreshHolder(event) as TokenHolder;
  const { country, asn, network } = addresses.lookup(event.srcIp as string);
  const fact =
    first.newFacts.find((candidate) => candidate.startsWith('country:')) ?? (first.newFacts[0] as string);
  const newCountry = fact.startsWith('country:');
  const place = newCountry
    ? `country ${country}`
    : fact.startsWith('asn:')
      ? `network AS${asn} ${network ?? ''}`.trim()
      : `network ${fact.slice('net:'.length)}`;
  const who = holder.user ? `user ${holder.user}` : `app client ${holder.client} (user not recorded)`;
  return buildFinding(detection, {
    key: `${subject}|${fact}`,
    trigger: event,
    severity: newCountry && holder.user ? 'high' : 'medium',
    principal: holder.user,
    title: `Cognito refresh token of ${who} used from a new ${place} (${event.srcIp})`,
    description:
      `${event.action} exchanged a refresh token of ${who} (app client ${holder.client}` +
      `${holder.pool ? `, user pool ${holder.pool}` : ''}) for new tokens from ${event.srcIp}. Refresh-token ` +
      `exchanges were seen for it since ${new Date(first.subjectSince as number).toISOString()}, never from ` +
      `this ${newCountry ? 'country' : 'network'}. Treat the token as stolen until the user confirms it.`,
    resources: holder.pool
      ? [{ type: 'AWS::Cognito::UserPool', id: holder.pool, account: event.account }]
      : [],
    context: {
      ...callContext(event),
      userPoolId: holder.pool ?? '',
      clientId: holder.client,
      userSub: holder.user ?? '',
      country: country ?? '',
      asn: asn === null ? '' : String(asn),
      network: network ?? '',
      newFacts: first.newFacts.join(','),
      knownSince: new Date(first.subjectSince as number).toISOString(),
    },
  });
}

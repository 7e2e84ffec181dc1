import { filter, map } from 'rxjs';
import type { SecurityEvent } from '../../../../schemas/types.js';
import type { Detection } from '../../../api.js';
import { buildFinding } from '../../../finding.js';
import { hours, type SequenceMatch, sequence } from '../../../operators/index.js';
import {
  awsAsnsParam,
  type IpDatabase,
  ipDatabaseFiles,
  openIpDatabase,
} from '../../correlations/ip-database.js';
import { story } from '../../correlations/story.js';
import { paramReader } from '../../params.js';
import { isPublicAddress } from '../../public-address.js';
import { actorKind, roleArnOf } from '../actor-kind.js';
import { field, request, response, succeeded, text } from '../record.js';
import { callContext } from '../rule.js';

const ID = 'bedrock-agentcore-credentials-external-use';

/**
 * `withinHours`: how long after AgentCore assumed the execution role its credentials are followed (the longest
 * role session is 12 hours). `awsAsns`: the autonomous systems whose addresses are AWS's, where AgentCore's own
 * calls come from.
 */
export const DEFAULT_PARAMS = { withinHours: 12 };

/** AgentCore names itself in `invokedBy` (or as the source address) when it assumes an execution role. */
const AGENTCORE = /^bedrock-agentcore(\.[a-z0-9-]+)?\.amazonaws\.com$/;

/**
 * Credentials that Bedrock AgentCore obtained for an execution role (AssumeRole by the service, as when a code
 * interpreter, browser or runtime starts) used to call AWS from an address outside AWS. AgentCore's microVMs
 * hand those credentials to any code inside through their metadata service; the service calls AWS from AWS's
 * own networks, so the same access key from elsewhere was read out and taken away.
 */
export const detection: Detection = {
  id: ID,
  title: 'Bedrock AgentCore execution role credentials used outside AWS',
  description:
    'Bedrock AgentCore assumed an execution role (sts:AssumeRole by bedrock-agentcore.amazonaws.com, as for a ' +
    'code interpreter, browser or agent runtime session), and the temporary access key it received then called ' +
    'AWS from a public address of no AWS network (`awsAsns`) within `withinHours`. Code running in the ' +
    "interpreter can read those credentials from the microVM's metadata service and use them from the " +
    "attacker's own machine (sts:GetCallerIdentity, s3:GetObject): the Stratus exfiltration through a Bedrock " +
    'code interpreter. CloudTrail does not show the code that ran in the interpreter (the metadata request never ' +
    'reaches CloudTrail), nor can it tell a reuse from another AWS address (an attacker-owned EC2 instance) from ' +
    "the interpreter's own calls, so this " +
    'reports only reuse from outside AWS, matched by access key id; it needs the AssumeRole event in the trail. ' +
    'Refused calls count: a denied call from outside still shows the credentials left the sandbox. Off by ' +
    'default: it must parse every role session call (most of a trail); enable it where AgentCore runs.',
  severity: 'high',
  mitre: ['T1552.005', 'T1078.004', 'T1530'],
  tactics: ['exfiltration', 'credential-access'],
  failedCalls: 'counted',
  stratus: ['aws.exfiltration.s3-bedrock'],
  runbook:
    'https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/security-credentials-management.html',
  remediation:
    "Revoke the execution role's active sessions now (IAM console → Roles → <role> → Revoke active sessions, or " +
    'attach a deny-all policy with an `aws:TokenIssueTime` condition), then list what the access key did from the ' +
    'outside address (CloudTrail, filter on the access key id). Find who ran code in the interpreter ' +
    '(`aws bedrock-agentcore list-code-interpreter-sessions --code-interpreter-identifier <id>` and the ' +
    'InvokeCodeInterpreter data events), restrict bedrock-agentcore:InvokeCodeInterpreter to the agents that ' +
    'need it, scope the execution role to least privilege, and prefer VPC network mode for the interpreter.',
  routes: [{ source: 'cloudtrail', actions: '*' }],
  enabledByDefault: false,
  dedupPeriodMs: hours(1),
  stateful: { partitionKey: (event) => issuedAccessKey(event) ?? outsideCallKey(event) },
  operator: ({ clock, params }) => {
    const withinHours = paramReader(ID, params).positiveInteger('withinHours', DEFAULT_PARAMS.withinHours);
    const awsAsns = new Set(awsAsnsParam(ID, params.awsAsns));
    const addresses = openIpDatabase(ipDatabaseFiles(ID, params));
    const outsideAws = (event: SecurityEvent) =>
      !awsAsns.has(addresses.lookup(event.srcIp as string).asn ?? -1);
    return (events) =>
      events.pipe(
        filter(
          (event) => issuedAccessKey(event) !== null || (outsideCallKey(event) !== null && outsideAws(event)),
        ),
        sequence({
          clock,
          first: issuedAccessKey,
          // biome-ignore lint/suspicious/noThenProperty: the sequence contract names the pair first/then; never awaited
          then: outsideCallKey,
          within: hours(withinHours),
        }),
        map((match) => externalUseFinding(match, addresses)),
      );
  },
};

/** The access key AgentCore received when it assumed an execution role; null for any other event. */
function issuedAccessKey(event: SecurityEvent): string | null {
  if (event.action !== 'sts:AssumeRole' || !succeeded(event)) return null;
  const by = text(field(event, 'userIdentity', 'invokedBy')) ?? text(field(event, 'sourceIPAddress')) ?? '';
  return AGENTCORE.test(by) ? text(response(event, 'credentials', 'accessKeyId')) : null;
}

/** The access key of a role session's call from a public address, not by an AWS service; else null. */
function outsideCallKey(event: SecurityEvent): string | null {
  if (event.principal?.type !== 'AssumedRole' || event.srcIp === null || !isPublicAddress(event.srcIp))
    return null;
  return actorKind(event) === 'service' ? null : event.principal.accessKeyId;
}

function externalUseFinding(
  { key, first, then }: SequenceMatch<SecurityEvent, SecurityEvent>,
  addresses: IpDatabase,
) {
  const role = text(request(first, 'roleArn')) ?? roleArnOf(then);
  const { asn, network, country } = addresses.lookup(then.srcIp as string);
  const where = `${then.srcIp} (${asn === null ? 'no known network' : `AS${asn} ${network ?? ''}`.trim()}${country ? `, ${country}` : ''})`;
  const refused = then.errorCode !== null ? ` (refused: ${then.errorCode})` : '';
  const told = story([
    { name: 'AgentCore assumed the execution role', events: [first] },
    { name: 'its access key used outside AWS', events: [then] },
  ]);
  return buildFinding(detection, {
    key: `${key}|${then.srcIp}`,
    trigger: then,
    events: told.events,
    title: `AgentCore execution role ${role ?? 'credentials'} used outside AWS from ${where}: ${then.action}${refused}`,
    description:
      `${told.summary}. The access key ${key} was issued to Bedrock AgentCore at ` +
      `${new Date(first.time).toISOString()} and called ${then.action} from ${then.srcIp}, an address of no AWS ` +
      'network: the credentials were read out of the AgentCore sandbox. Treat them, and the data the role can ' +
      'read, as exposed.',
    resources: role ? [{ type: 'AWS::IAM::Role', id: role, account: then.account }] : then.resources,
    context: {
      ...told.context,
      ...callContext(then),
      role: role ?? '',
      accessKeyId: key,
      session: text(response(first, 'assumedRoleUser', 'arn')) ?? '',
      asn: asn === null ? '' : String(asn),
      network: network ?? '',
      country: country ?? '',
    },
  });
}

import { createHash } from 'node:crypto';
import type { Detection } from '../../detections/api.js';
import { DEFAULT_CONFIG } from '../../processor/cli/config.js';
import { enabledDetections } from '../../processor/cli/detections.js';
import { normalisePartitionKey, partitionKeyOf } from '../../processor/consumer/roles/partition-key.js';
import { decodeJson, decodeRecord } from '../../processor/decode/index.js';
import { Router } from '../../processor/pipeline/router.js';
import { STATE_ROUTES } from '../../processor/state/index.js';
import { accountScoped, field, items, text } from '../../processor/state/record-fields.js';
import type { JsonObject, SecurityEvent } from '../../schemas/types.js';
import { generateCloudTrail } from '../generate/cloudtrail.js';
import { SeededRandom } from '../generate/random.js';
import { flowLine } from './records.js';

/**
 * Keyed-stream sizing under a skewed account mix: how the records ingest publishes spread over the keyed
 * stream's shards when one account makes half the traffic — with flowlog-port-scan keyed by account (before) or
 * by source address (now), and with the state cache's learning events keyed by account (now) or by the entity
 * they describe (the alternative measured, not adopted). Each record's partition keys come from the
 * catalog's stateful detections as ingest computes them; a key lands on a shard as Kinesis places it (MD5 of
 * the key in evenly split hash ranges).
 *
 *   npx tsx bench/correlations/keyed-skew.ts [events=200000] [shards=8] [hot share=0.5]
 */
const events = Number(process.argv[2] ?? 200_000);
const shards = Number(process.argv[3] ?? 8);
const hotShare = Number(process.argv[4] ?? 0.5);
const HOT = '100000000000';
const OTHERS = Array.from({ length: 20 }, (_, index) => String(200000000000 + index));

const stateful = enabledDetections(DEFAULT_CONFIG).detections.filter(
  (detection) => detection.stateful !== undefined,
);
const router = new Router<Detection>(
  stateful.map((detection) => ({ routes: detection.routes, target: detection })),
);
const learning = new Router<true>([{ routes: STATE_ROUTES, target: true }]);

interface Tally {
  perShard: number[];
  /** Records of the busiest shard by who asked for them (detection id, or `state`). */
  byTarget: Map<string, number>[];
  published: number;
}
const tally = (): Tally => ({
  perShard: new Array(shards).fill(0),
  byTarget: Array.from({ length: shards }, () => new Map()),
  published: 0,
});
/** Today's keying; the state cache's learning events keyed by entity; flowlog-port-scan keyed by account (its old key). */
const variants = { current: tally(), stateByEntity: tally(), portScanByAccount: tally() };

function shardOf(key: string): number {
  const hash = BigInt(`0x${createHash('md5').update(key).digest('hex')}`);
  return Number((hash * BigInt(shards)) >> 128n);
}

function count(into: Tally, keys: Map<string, string[]>): void {
  for (const [key, targets] of keys) {
    const shard = shardOf(key);
    into.perShard[shard] = (into.perShard[shard] ?? 0) + 1;
    into.published += 1;
    const byTarget = into.byTarget[shard] as Map<string, number>;
    for (const target of targets) byTarget.set(target, (byTarget.get(target) ?? 0) + 1);
  }
}

function publish(event: SecurityEvent): void {
  const detectionKeys = new Map<string, string[]>();
  const add = (keys: Map<string, string[]>, key: string | null, target: string) => {
    if (key !== null) keys.set(key, [...(keys.get(key) ?? []), target]);
  };
  const portScanKeys = new Map<string, string[]>();
  for (const detection of router.targets(event.source, event.action)) {
    const key = partitionKeyOf(detection, event);
    add(detectionKeys, key, detection.id);
    add(
      portScanKeys,
      detection.id === 'flowlog-port-scan' && key !== null ? normalisePartitionKey(event.account) : key,
      detection.id,
    );
  }
  const learns = learning.wants(event.source, event.action);
  const withState = (keys: Map<string, string[]>, key: string | null) => {
    const copy = new Map(keys);
    if (learns) add(copy, normalisePartitionKey(key), 'state');
    return copy;
  };
  count(variants.current, withState(detectionKeys, event.account));
  count(variants.stateByEntity, withState(detectionKeys, learnedEntityKey(event)));
  count(variants.portScanByAccount, withState(portScanKeys, event.account));
}

/**
 * What a learning event (STATE_ROUTES) describes, as a keyed-stream partition key: the instance (a launch's
 * first instance), the security group, the role or instance profile (account-scoped), the new access key; the
 * account when the call names none of them. Events about one entity then stay together without making the
 * account one hot shard. Lookups that chain entities (a launch → its profile → the profile's roles → their
 * policies) cannot use it: a detection making such lookups routes those learning events itself, under its own
 * (account) key, as ec2-instance-admin-profile does.
 *
 *   learnedEntityKey(createTags) // 'i-0a1b2c3d4e5f60718'
 *   learnedEntityKey(putRolePolicy) // '111122223333/web-app'
 */
function learnedEntityKey(event: SecurityEvent): string | null {
  const request = field(event.raw, 'requestParameters');
  const first = (list: unknown, name: string) => text(field(items(list)[0], name));
  switch (event.action) {
    case 'ec2:RunInstances':
      return first(field(event.raw, 'responseElements', 'instancesSet'), 'instanceId') ?? event.account;
    case 'ec2:TerminateInstances':
      return first(field(request, 'instancesSet'), 'instanceId') ?? event.account;
    case 'ec2:CreateTags':
    case 'ec2:DeleteTags':
      return first(field(request, 'resourcesSet'), 'resourceId') ?? event.account;
    case 'ec2:AuthorizeSecurityGroupIngress':
    case 'ec2:RevokeSecurityGroupIngress':
    case 'ec2:DeleteSecurityGroup':
      return text(field(request, 'groupId')) ?? event.account;
    case 'iam:CreateAccessKey':
      return text(field(event.raw, 'responseElements', 'accessKey', 'accessKeyId')) ?? event.account;
    default: {
      const profile = text(field(request, 'instanceProfileName'));
      const role = text(field(request, 'roleName'));
      const name = profile ?? role;
      return name === null
        ? event.account
        : `${profile ? 'profile' : 'role'}:${accountScoped(event.account, name)}`;
    }
  }
}

const random = new SeededRandom(5);
let decoded = 0;
for (const record of generateCloudTrail({ records: events, seed: 3 })) {
  const account = random.chance(hotShare) ? HOT : random.pick(OTHERS);
  record.recipientAccountId = account;
  (record.userIdentity as JsonObject).accountId = account;
  for (const event of decodeJson(record, { input: 'skew', offset: String(decoded) }).events) publish(event);
  // As many flow records, from 40 interfaces per account.
  const line = flowLine({
    account,
    time: Date.parse(String(record.eventTime)),
    eni: `eni-0${account.slice(-3)}${String(random.int(40)).padStart(13, '0')}`,
    src: `10.0.${random.int(256)}.${random.int(1, 255)}`,
    dst: random.chance(0.3) ? '34.117.59.81' : `10.1.0.${random.int(1, 255)}`,
    dstPort: random.pick([443, 22, 5432]),
    action: random.chance(0.1) ? 'REJECT' : 'ACCEPT',
  });
  for (const event of decodeRecord(Buffer.from(line), { input: 'skew', offset: String(decoded) }).events)
    publish(event);
  decoded += 2;
}

function report(label: string, t: Tally): void {
  const mean = t.published / shards;
  const busiest = t.perShard.indexOf(Math.max(...t.perShard));
  const top = [...(t.byTarget[busiest] as Map<string, number>)].sort((a, b) => b[1] - a[1]).slice(0, 6);
  console.log(
    `| ${label} | ${t.published} | ${t.perShard.join(' / ')} | ${(Math.max(...t.perShard) / mean).toFixed(2)} | ${top.map(([id, n]) => `${id} ${n}`).join(', ')} |`,
  );
}

console.log(
  `${decoded} events (${events} CloudTrail + ${events} flow records), ${(hotShare * 100).toFixed(0)}% from account ${HOT}, ${shards} keyed shards, ${stateful.length} stateful detections`,
);
console.log(
  '| keying | records published | records per shard | busiest / mean | busiest shard holds (records per asking detection) |',
);
console.log('|---|---:|---|---:|---|');
report('flowlog-port-scan by account (before)', variants.portScanByAccount);
report('flowlog-port-scan by source address (this branch)', variants.current);
report('… and state learning by entity', variants.stateByEntity);

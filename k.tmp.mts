import { DEFAULT_CONFIG } from './processor/cli/config.js';
import { enabledDetections } from './processor/cli/detections.js';
import { KeyedRoutes } from './processor/consumer/roles/keyed-routes.js';
import { testEvent } from './test/events.js';

const stateful = enabledDetections(DEFAULT_CONFIG).detections.filter((d) => d.stateful);
console.log(JSON.stringify(stateful.map((d) => d.id).sort()));
const r = new KeyedRoutes(stateful);
console.log(r.wants('flowlog', 'NODATA'), r.wants('flowlog', 'SKIPDATA'));
const ACCOUNT = '111122223333';
const instance = 'i-0123456789abcdef0';
const stolen = testEvent({
  id: 'call-1',
  time: 1_000,
  action: 's3:ListBuckets',
  srcIp: '198.51.100.9',
  principal: {
    type: 'AssumedRole',
    name: instance,
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/web/${instance}`,
    account: ACCOUNT,
    sessionIssuer: null,
    mfa: false,
    accessKeyId: null,
  } as never,
});
console.log(r.keysOf(stolen), r.keysOf({ ...stolen, srcIp: 'ec2.amazonaws.com' }));
for (const d of stateful) {
  const k = d.stateful?.partitionKey?.(stolen);
  if (k !== undefined && k !== null && r.keysOf(stolen).includes(k)) console.log(d.id, k);
}

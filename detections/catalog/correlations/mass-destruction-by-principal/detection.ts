import type { SecurityEvent } from '../../../../schemas/types.js';
import { principalLabel } from '../../../finding.js';
import { cloudTrailBurst } from '../../cloudtrail/burst.js';
import { at, items, request, text } from '../../cloudtrail/record.js';
import { isAwsServiceCall, principalPartition } from '../principal.js';
import type { CorrelationShape } from '../shape.js';
import { story } from '../story.js';

export const shape: CorrelationShape = {
  window: 'sliding 10 min (1-min slide)',
  key: 'principal (account/unique id)',
  partitionKey: 'principal (account/unique id)',
};

/** What each destructive call destroys or gives away, and the kind of resource. */
const DESTROYS: Record<string, { kind: string; resource: (event: SecurityEvent) => string[] }> = {
  's3:DeleteObject': {
    kind: 'S3 objects',
    resource: (e) => [`s3://${bucket(e)}/${text(request(e, 'key')) ?? ''}`],
  },
  's3:DeleteObjects': { kind: 'S3 objects', resource: (e) => [`s3://${bucket(e)}/(batch ${e.id})`] },
  's3:DeleteBucket': { kind: 'S3 buckets', resource: (e) => [`s3://${bucket(e)}`] },
  'kms:ScheduleKeyDeletion': { kind: 'KMS keys', resource: (e) => [text(request(e, 'keyId')) ?? e.id] },
  'ec2:DeleteSnapshot': { kind: 'snapshots', resource: (e) => [text(request(e, 'snapshotId')) ?? e.id] },
  'rds:DeleteDBSnapshot': {
    kind: 'snapshots',
    resource: (e) => [text(request(e, 'dBSnapshotIdentifier')) ?? e.id],
  },
  'rds:DeleteDBClusterSnapshot': {
    kind: 'snapshots',
    resource: (e) => [text(request(e, 'dBClusterSnapshotIdentifier')) ?? e.id],
  },
  'ec2:ModifySnapshotAttribute': {
    kind: 'snapshots shared',
    resource: (e) => (sharesSnapshot(e) ? [`shared ${text(request(e, 'snapshotId')) ?? e.id}`] : []),
  },
  'rds:ModifyDBSnapshotAttribute': {
    kind: 'snapshots shared',
    resource: (e) =>
      items(request(e, 'valuesToAdd')).length > 0
        ? [`shared ${text(request(e, 'dBSnapshotIdentifier')) ?? e.id}`]
        : [],
  },
  'backup:DeleteRecoveryPoint': {
    kind: 'backups',
    resource: (e) => [text(request(e, 'recoveryPointArn')) ?? e.id],
  },
};

/**
 * One principal destroying (or giving away) many resources across S3, KMS, snapshots and backups within minutes:
 * ransomware clean-up, a disgruntled insider, or a stolen key used to wipe an account. Counts distinct resources,
 * so a retried call counts once; the kinds hit decide the severity.
 */
export const detection = cloudTrailBurst({
  id: 'mass-destruction-by-principal',
  title: 'Mass destruction by one principal',
  description:
    'One principal deleted or gave away 10 or more distinct resources within 10 minutes across S3 objects and ' +
    'buckets, KMS keys (deletion scheduled), EBS and RDS snapshots (deleted or shared) and AWS Backup recovery ' +
    'points. Critical when it hit two or more kinds of resource (data and its backups or keys together is how ' +
    'ransomware and wipers work), high otherwise. Refused calls count: an attempt at this scale is the signal.',
  severity: 'high',
  mitre: ['T1485', 'T1490', 'T1486', 'T1537'],
  tactics: ['impact', 'exfiltration'],
  failedCalls: 'counted',
  stratus: ['aws.impact.s3-ransomware-batch-deletion', 'aws.impact.s3-ransomware-individual-deletion'],
  runbook: 'https://docs.aws.amazon.com/prescriptive-guidance/latest/backup-recovery/backup-recovery.pdf',
  remediation:
    'Stop the principal now: deactivate its access keys (`aws iam update-access-key --status Inactive`) or revoke ' +
    'its role sessions (IAM console → Roles → Revoke active sessions). Cancel scheduled KMS key deletions ' +
    '(`aws kms cancel-key-deletion --key-id <key>`), remove snapshot shares (`aws ec2 modify-snapshot-attribute ' +
    '--operation-type remove`), restore S3 objects from versions (`aws s3api list-object-versions`) or backups, ' +
    'and protect backups with AWS Backup Vault Lock.',
  actions: Object.keys(DESTROYS),
  include: (event) => !isAwsServiceCall(event) && destroyed(event).length > 0,
  key: principalPartition,
  distinct: (event) => destroyed(event)[0] ?? null,
  atLeast: 10,
  windowMinutes: 10,
  finding: (burst) => {
    const kinds = [
      ...new Set(burst.events.map((event) => DESTROYS[event.action]?.kind ?? event.action)),
    ].sort();
    const who = principalLabel(burst.events[0] as SecurityEvent) ?? burst.key;
    const told = story(
      kinds.map((kind) => ({
        name: kind,
        events: burst.events.filter((e) => DESTROYS[e.action]?.kind === kind),
      })),
    );
    return {
      title: `${who} destroyed or shared ${burst.values.length} resources (${kinds.join(', ')}) within ${burst.windowMinutes} minutes`,
      description: `${told.summary}.`,
      severity: kinds.length >= 2 ? 'critical' : 'high',
      context: { ...told.context, kinds: kinds.join(','), resources: burst.values.slice(0, 20).join(',') },
    };
  },
});

function bucket(event: SecurityEvent): string {
  return text(request(event, 'bucketName')) ?? 'unknown';
}

function destroyed(event: SecurityEvent): string[] {
  return DESTROYS[event.action]?.resource(event) ?? [];
}

/** `createVolumePermission.add.items[]` grants (a user id or `all`). */
function sharesSnapshot(event: SecurityEvent): boolean {
  return items(at(request(event, 'createVolumePermission'), 'add')).length > 0;
}

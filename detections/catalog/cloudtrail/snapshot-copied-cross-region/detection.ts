import type { SecurityEvent } from '../../../../schemas/types.js';
import { request, response, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

/** Per copy call: the label of what is copied, its CloudFormation type, and where the source is named. */
const COPIES: Record<string, { label: string; type: string; source: string; target: string }> = {
  'rds:CopyDBSnapshot': {
    label: 'RDS snapshot',
    type: 'AWS::RDS::DBSnapshot',
    source: 'sourceDBSnapshotIdentifier',
    target: 'targetDBSnapshotIdentifier',
  },
  'rds:CopyDBClusterSnapshot': {
    label: 'RDS cluster snapshot',
    type: 'AWS::RDS::DBClusterSnapshot',
    source: 'sourceDBClusterSnapshotIdentifier',
    target: 'targetDBClusterSnapshotIdentifier',
  },
  'ec2:CopySnapshot': {
    label: 'EBS snapshot',
    type: 'AWS::EC2::Snapshot',
    source: 'sourceSnapshotId',
    target: 'snapshotId',
  },
  'ec2:CopyImage': { label: 'AMI', type: 'AWS::EC2::Image', source: 'sourceImageId', target: 'imageId' },
};

export const detection = cloudTrailRule({
  id: 'snapshot-copied-cross-region',
  title: 'Snapshot or image copied to another region',
  description:
    'An RDS DB or cluster snapshot, an EBS snapshot or an AMI was copied from one region into another. Legitimate ' +
    'for disaster recovery, but also how data is moved to a region nobody watches before it is shared or ' +
    'restored. Copies into `approvedRegions` (your DR regions) are not reported.',
  severity: 'medium',
  mitre: ['T1537', 'T1578.001'],
  tactics: ['exfiltration', 'defense-evasion'],
  failedCalls: 'ignored',
  panther: { rules: ['AWS.RDS.SnapshotCopiedCrossRegion'] },
  runbook: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_CopySnapshot.html',
  remediation:
    'Confirm the copy with its owner. If unexpected, delete the copy in the destination region (`aws rds ' +
    'delete-db-snapshot --region <region> --db-snapshot-identifier <copy>`, `aws ec2 delete-snapshot`, `aws ec2 ' +
    'deregister-image`), check it was not shared, and deny copy calls into unused regions with an SCP on ' +
    '`aws:RequestedRegion`.',
  settings: (read) => ({ approvedRegions: read.strings('approvedRegions', []) }),
  actions: Object.keys(COPIES),
  match: (event, { approvedRegions }) => {
    const copy = COPIES[event.action];
    const target = event.region;
    if (copy === undefined || target === null || approvedRegions.includes(target)) return null;
    const sourceId = text(request(event, copy.source)) ?? 'unknown';
    const sourceRegion = regionOf(event, sourceId);
    if (sourceRegion === null || sourceRegion === target) return null;
    const copied = text(request(event, copy.target)) ?? text(response(event, copy.target)) ?? sourceId;
    const who = actor(event);
    return {
      key: `${event.account}:${sourceId}:${target}`,
      title: `${copy.label} ${sourceId.split(':').at(-1)} copied from ${sourceRegion} to ${target} by ${who}`,
      description: `${who} copied ${copy.label} ${sourceId} from ${sourceRegion} into ${target} as ${copied}.`,
      resources: [{ type: copy.type, id: copied, account: event.account }],
      context: { sourceRegion, targetRegion: target, source: sourceId },
    };
  },
});

/** The source region: `sourceRegion` of the request, or the region field of a source ARN. */
function regionOf(event: SecurityEvent, sourceId: string): string | null {
  const stated = text(request(event, 'sourceRegion'));
  if (stated !== null) return stated;
  const fromArn = sourceId.startsWith('arn:') ? sourceId.split(':')[3] : undefined;
  return fromArn ? fromArn : null;
}

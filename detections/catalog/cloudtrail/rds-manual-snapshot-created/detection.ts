import { request, response, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'rds-manual-snapshot-created',
  title: 'RDS manual snapshot created',
  description:
    'Someone took a manual snapshot of an RDS instance or cluster (AWS Backup and automated snapshots are left ' +
    'out). Snapshots are the first step of the classic RDS exfiltration: snapshot, then share it or restore it ' +
    'somewhere reachable; logged for correlation with `snapshot-or-image-shared` and `rds-instance-made-public`.',
  severity: 'low',
  mitre: ['T1537', 'T1578.001'],
  tactics: ['exfiltration', 'defense-evasion'],
  failedCalls: 'ignored',
  panther: { rules: ['AWS.RDS.ManualSnapshotCreated'] },
  runbook: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_CreateSnapshot.html',
  remediation:
    'Confirm who needs the snapshot. If nobody: check it was not shared (`aws rds describe-db-snapshot-attributes ' +
    '--db-snapshot-identifier <snap>`), then delete it (`aws rds delete-db-snapshot --db-snapshot-identifier <snap>`).',
  actions: ['rds:CreateDBSnapshot', 'rds:CreateDBClusterSnapshot'],
  match: (event) => {
    const type = text(response(event, 'snapshotType'))?.toLowerCase();
    if (type === 'automated' || type === 'awsbackup') return null;
    const cluster = event.action === 'rds:CreateDBClusterSnapshot';
    const snapshot =
      text(request(event, cluster ? 'dBClusterSnapshotIdentifier' : 'dBSnapshotIdentifier')) ?? 'unknown';
    const source =
      text(request(event, cluster ? 'dBClusterIdentifier' : 'dBInstanceIdentifier')) ?? 'unknown';
    const label = `RDS ${cluster ? 'cluster ' : ''}snapshot ${snapshot}`;
    const who = actor(event);
    return {
      key: `${event.account}:${snapshot}`,
      title: `${label} of ${source} created by ${who}`,
      description: `${who} took ${label} of ${cluster ? 'cluster' : 'instance'} ${source}.`,
      resources: [
        {
          type: cluster ? 'AWS::RDS::DBClusterSnapshot' : 'AWS::RDS::DBSnapshot',
          id: text(response(event, cluster ? 'dBClusterSnapshotArn' : 'dBSnapshotArn')) ?? snapshot,
          account: event.account,
        },
      ],
      context: { source, snapshotType: type ?? 'manual' },
    };
  },
});

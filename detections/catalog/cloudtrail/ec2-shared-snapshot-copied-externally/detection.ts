import { field, text } from '../record.js';
import { cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'ec2-shared-snapshot-copied-externally',
  title: 'Shared EBS snapshot copied or mounted by another account',
  description:
    'EC2 reported (SharedSnapshotCopyInitiated, SharedSnapshotVolumeCreated service events) that another AWS ' +
    'account copied one of your shared EBS snapshots or created a volume from it. Sharing is the intent; this ' +
    'is the data actually leaving: the other account now holds a full copy of the disk. Accounts listed in ' +
    '`trustedAccounts` are not reported.',
  severity: 'critical',
  mitre: ['T1537'],
  tactics: ['exfiltration'],
  failedCalls: 'ignored',
  runbook:
    'https://docs.aws.amazon.com/ebs/latest/userguide/ebs-modifying-snapshot-permissions.html#shared-snapshot-cloudtrail-logging',
  remediation:
    'Remove the share at once (`aws ec2 modify-snapshot-attribute --snapshot-id <snap> --attribute ' +
    'createVolumePermission --operation-type remove --user-ids <account>`; console: EC2 → Snapshots → Actions → ' +
    'Modify permissions), assume the disk contents are exposed (rotate secrets and keys stored on it), and find ' +
    'who shared it (`snapshot-or-image-shared`). Enable EBS snapshot block public access.',
  settings: (read) => ({ trusted: read.accountIds('trustedAccounts', []) }),
  actions: ['ec2:SharedSnapshotCopyInitiated', 'ec2:SharedSnapshotVolumeCreated'],
  match: (event, { trusted }) => {
    const reader = event.principal?.account ?? null;
    if (reader === null || reader === event.account || trusted.includes(reader)) return null;
    const snapshot = text(field(event, 'serviceEventDetails', 'snapshotId')) ?? 'unknown';
    const what = event.action === 'ec2:SharedSnapshotCopyInitiated' ? 'copied' : 'mounted as a volume';
    return {
      key: `${event.account}:${snapshot}:${reader}`,
      title: `EBS snapshot ${snapshot} ${what} by account ${reader}`,
      description:
        `Account ${reader} ${what === 'copied' ? 'started copying' : 'created a volume from'} EBS snapshot ` +
        `${snapshot} of account ${event.account ?? 'unknown'}, which had been shared with it.`,
      resources: [{ type: 'AWS::EC2::Snapshot', id: snapshot, account: event.account }],
      context: { readerAccount: reader },
    };
  },
});

import type { JsonValue, SecurityEvent } from '../../../../schemas/types.js';
import { accountExposure, type ExposedResource, exposureMatch } from '../exposure.js';
import { at, items, request, text } from '../record.js';
import { cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'snapshot-or-image-shared',
  title: 'Snapshot or machine image shared with another account or made public',
  description:
    'An EBS snapshot, an AMI, or an RDS DB or cluster snapshot was given a permission for another AWS account ' +
    '(create-volume, launch, or restore permission) or for everyone (`all`). The recipient can copy the disk ' +
    'or database into an account you do not control: this is how whole volumes and databases are exfiltrated ' +
    'without a byte crossing your network. Accounts listed in `trustedAccounts` are not reported.',
  severity: 'high',
  mitre: ['T1537'],
  tactics: ['exfiltration'],
  failedCalls: 'ignored',
  panther: { rules: ['AWS.CloudTrail.AMIModifiedForPublicAccess', 'AWS.CloudTrail.SnapshotMadePublic'] },
  stratus: [
    'aws.exfiltration.ec2-share-ami',
    'aws.exfiltration.ami-make-public',
    'aws.exfiltration.ec2-share-ebs-snapshot',
    'aws.exfiltration.rds-share-snapshot',
  ],
  runbook: 'https://docs.aws.amazon.com/ebs/latest/userguide/ebs-modifying-snapshot-permissions.html',
  remediation:
    'Remove the permission at once: EBS `aws ec2 modify-snapshot-attribute --snapshot-id <snap> --attribute ' +
    'createVolumePermission --operation-type remove --user-ids <account>` (or `--group-names all`); AMI `aws ec2 ' +
    'modify-image-attribute --image-id <ami> --launch-permission "Remove=[{UserId=<account>}]"` (or ' +
    '`{Group=all}`); RDS `aws rds modify-db-snapshot-attribute --db-snapshot-identifier <snap> --attribute-name ' +
    'restore --values-to-remove <account|all>` (console: snapshot → Actions → Share / Modify permissions). Then ' +
    'check for SharedSnapshotCopyInitiated events from the recipient, turn on EBS block public access ' +
    '(`aws ec2 enable-snapshot-block-public-access`) and AMI block public access, and treat the caller as compromised.',
  settings: (read) => ({ trusted: read.accountIds('trustedAccounts', []) }),
  actions: [
    'ec2:ModifyImageAttribute',
    'ec2:ModifySnapshotAttribute',
    'rds:ModifyDBSnapshotAttribute',
    'rds:ModifyDBClusterSnapshotAttribute',
  ],
  match: (event, { trusted }) => {
    const shared = sharedResource(event);
    if (shared === null) return null;
    return exposureMatch(event, shared.resource, accountExposure(shared.grantees, event.account, trusted));
  },
});

/** The resource a call shares and the grantees it adds (`all` or account ids). */
function sharedResource(event: SecurityEvent): { resource: ExposedResource; grantees: string[] } | null {
  switch (event.action) {
    case 'ec2:ModifyImageAttribute': {
      const image = text(request(event, 'imageId')) ?? 'unknown';
      return {
        resource: { label: `AMI ${image}`, type: 'AWS::EC2::Image', id: image, through: 'launch permission' },
        grantees: addedPermissions(request(event, 'launchPermission')),
      };
    }
    case 'ec2:ModifySnapshotAttribute': {
      const snapshot = text(request(event, 'snapshotId')) ?? 'unknown';
      return {
        resource: {
          label: `EBS snapshot ${snapshot}`,
          type: 'AWS::EC2::Snapshot',
          id: snapshot,
          through: 'create-volume permission',
        },
        grantees: addedPermissions(request(event, 'createVolumePermission')),
      };
    }
    default: {
      if (text(request(event, 'attributeName'))?.toLowerCase() !== 'restore') return null;
      const cluster = event.action === 'rds:ModifyDBClusterSnapshotAttribute';
      const snapshot =
        text(request(event, cluster ? 'dBClusterSnapshotIdentifier' : 'dBSnapshotIdentifier')) ?? 'unknown';
      return {
        resource: {
          label: `RDS ${cluster ? 'cluster ' : ''}snapshot ${snapshot}`,
          type: cluster ? 'AWS::RDS::DBClusterSnapshot' : 'AWS::RDS::DBSnapshot',
          id: snapshot,
          through: 'restore attribute',
        },
        grantees: strings(request(event, 'valuesToAdd')),
      };
    }
  }
}

/**
 * Grantees of EC2's `{ add: { items: [{ userId } | { group: 'all' }] } }` permission changes; `groups`
 * (plural) is accepted as some documentation writes it. Organization and OU grants are not accounts.
 */
function addedPermissions(permission: JsonValue | undefined): string[] {
  return items(at(permission, 'add')).flatMap((grant) => [
    ...strings(at(grant, 'group')),
    ...strings(at(grant, 'groups')),
    ...strings(at(grant, 'userId')),
  ]);
}

/** A string or a list (plain or `{ items }`) of strings. */
function strings(value: JsonValue | undefined): string[] {
  const list = typeof value === 'string' ? [value] : items(value);
  return list.map(text).filter((entry) => entry !== null);
}

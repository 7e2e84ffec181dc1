import type { CatalogEntry } from '../entry.js';
import { detection as backupProtectionRemoved } from './backup-protection-removed/detection.js';
import { detection as bedrockModelAccessEnabled } from './bedrock-model-access-enabled/detection.js';
import { detection as bedrockModelInvokedByUnusualPrincipal } from './bedrock-model-invoked-by-unusual-principal/detection.js';
import { detection as cloudtrailLoggingTampered } from './cloudtrail-logging-tampered/detection.js';
import { detection as codebuildProjectMadePublic } from './codebuild-project-made-public/detection.js';
import { detection as ec2AmiDeregistered } from './ec2-ami-deregistered/detection.js';
import { detection as ec2EbsDefaultEncryptionChanged } from './ec2-ebs-default-encryption-changed/detection.js';
import { detection as ec2ImageExported } from './ec2-image-exported/detection.js';
import { detection as ec2InstanceAdminProfile } from './ec2-instance-admin-profile/detection.js';
import { detection as ec2InstanceForbiddenRegion } from './ec2-instance-forbidden-region/detection.js';
import { detection as ec2InstanceMissingTags } from './ec2-instance-missing-tags/detection.js';
import { detection as ec2InstanceUnapprovedType } from './ec2-instance-unapproved-type/detection.js';
import { detection as ec2LargeInstanceBurst } from './ec2-large-instance-burst/detection.js';
import { detection as ec2SecurityGroupOpenToWorld } from './ec2-security-group-open-to-world/detection.js';
import { detection as ec2SharedSnapshotCopiedExternally } from './ec2-shared-snapshot-copied-externally/detection.js';
import { detection as ecrImageChangedByUnapprovedPrincipal } from './ecr-image-changed-by-unapproved-principal/detection.js';
import { detection as guarddutyDetectorDisabled } from './guardduty-detector-disabled/detection.js';
import { detection as iamPolicyAttachedToUser } from './iam-policy-attached-to-user/detection.js';
import { detection as iamRootAccountUsage } from './iam-root-account-usage/detection.js';
import { detection as iamUserCreated } from './iam-user-created/detection.js';
import { detection as kmsGrantToExternalPrincipal } from './kms-grant-to-external-principal/detection.js';
import { detection as kmsKeyDisabledOrDeleted } from './kms-key-disabled-or-deleted/detection.js';
import { detection as kmsKeyMaterialImported } from './kms-key-material-imported/detection.js';
import { detection as rdsActivityStreamStopped } from './rds-activity-stream-stopped/detection.js';
import { detection as rdsBackupDeleted } from './rds-backup-deleted/detection.js';
import { detection as rdsDatabaseDeleted } from './rds-database-deleted/detection.js';
import { detection as rdsDatabaseRebooted } from './rds-database-rebooted/detection.js';
import { detection as rdsDeletionProtectionDisabled } from './rds-deletion-protection-disabled/detection.js';
import { detection as rdsIamRoleAdded } from './rds-iam-role-added/detection.js';
import { detection as rdsInstanceMadePublic } from './rds-instance-made-public/detection.js';
import { detection as rdsManualSnapshotCreated } from './rds-manual-snapshot-created/detection.js';
import { detection as rdsMasterPasswordChanged } from './rds-master-password-changed/detection.js';
import { detection as rdsSecurityGroupIngressAuthorized } from './rds-security-group-ingress-authorized/detection.js';
import { detection as rdsSnapshotEnumeration } from './rds-snapshot-enumeration/detection.js';
import { detection as rdsSnapshotExported } from './rds-snapshot-exported/detection.js';
import { detection as resourcePolicyOpened } from './resource-policy-opened/detection.js';
import { detection as s3BatchObjectDeletion } from './s3-batch-object-deletion/detection.js';
import { detection as s3BucketAclOpened } from './s3-bucket-acl-opened/detection.js';
import { detection as s3BucketDeleted } from './s3-bucket-deleted/detection.js';
import { detection as s3BucketSafeguardsDisabled } from './s3-bucket-safeguards-disabled/detection.js';
import { detection as s3LifecycleShortExpiration } from './s3-lifecycle-short-expiration/detection.js';
import { detection as s3ObjectCopiedToExternalAccount } from './s3-object-copied-to-external-account/detection.js';
import { detection as s3ObjectDeletionBurst } from './s3-object-deletion-burst/detection.js';
import { detection as s3ObjectEncryptedWithExternalKmsKey } from './s3-object-encrypted-with-external-kms-key/detection.js';
import { detection as s3ObjectsEncryptedWithCustomerKey } from './s3-objects-encrypted-with-customer-key/detection.js';
import { detection as s3PublicAccessBlockRemoved } from './s3-public-access-block-removed/detection.js';
import { detection as s3RansomNoteUploaded } from './s3-ransom-note-uploaded/detection.js';
import { detection as s3ReplicationToExternalAccount } from './s3-replication-to-external-account/detection.js';
import { detection as signinConsoleBruteForce } from './signin-console-brute-force/detection.js';
import { detection as signinConsoleLoginWithoutMfa } from './signin-console-login-without-mfa/detection.js';
import { detection as signinPasswordSpraying } from './signin-password-spraying/detection.js';
import { detection as snapshotCopiedCrossRegion } from './snapshot-copied-cross-region/detection.js';
import { detection as snapshotOrImageShared } from './snapshot-or-image-shared/detection.js';

const entry = (detection: CatalogEntry['detection']): CatalogEntry => ({
  detection,
  fixtures: new URL(`./${detection.id}/fixtures.json`, import.meta.url),
});

/** Every CloudTrail detection, each with the fixtures.json in its folder. */
export const cloudtrailCatalog: CatalogEntry[] = [
  ec2SecurityGroupOpenToWorld,
  ec2InstanceAdminProfile,
  ec2InstanceForbiddenRegion,
  ec2InstanceUnapprovedType,
  ec2InstanceMissingTags,
  ec2LargeInstanceBurst,
  iamRootAccountUsage,
  iamUserCreated,
  iamPolicyAttachedToUser,
  signinConsoleLoginWithoutMfa,
  signinConsoleBruteForce,
  signinPasswordSpraying,
  cloudtrailLoggingTampered,
  guarddutyDetectorDisabled,
  snapshotOrImageShared,
  resourcePolicyOpened,
  s3BucketAclOpened,
  s3PublicAccessBlockRemoved,
  s3ObjectCopiedToExternalAccount,
  s3ObjectEncryptedWithExternalKmsKey,
  s3RansomNoteUploaded,
  s3ObjectsEncryptedWithCustomerKey,
  s3ObjectDeletionBurst,
  s3BatchObjectDeletion,
  s3BucketDeleted,
  s3BucketSafeguardsDisabled,
  s3LifecycleShortExpiration,
  s3ReplicationToExternalAccount,
  rdsInstanceMadePublic,
  rdsDeletionProtectionDisabled,
  rdsMasterPasswordChanged,
  rdsBackupDeleted,
  rdsDatabaseDeleted,
  rdsIamRoleAdded,
  rdsDatabaseRebooted,
  rdsManualSnapshotCreated,
  rdsSnapshotEnumeration,
  rdsSnapshotExported,
  rdsActivityStreamStopped,
  rdsSecurityGroupIngressAuthorized,
  snapshotCopiedCrossRegion,
  ec2SharedSnapshotCopiedExternally,
  ec2ImageExported,
  codebuildProjectMadePublic,
  kmsGrantToExternalPrincipal,
  kmsKeyDisabledOrDeleted,
  kmsKeyMaterialImported,
  ec2EbsDefaultEncryptionChanged,
  ec2AmiDeregistered,
  backupProtectionRemoved,
  bedrockModelInvokedByUnusualPrincipal,
  bedrockModelAccessEnabled,
  ecrImageChangedByUnapprovedPrincipal,
].map(entry);

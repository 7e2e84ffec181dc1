import type { CatalogEntry } from '../entry.js';
import { detection as accessAnalyzerDisabled } from './access-analyzer-disabled/detection.js';
import { detection as accountRegionEnabled } from './account-region-enabled/detection.js';
import { detection as accountSecurityContactChanged } from './account-security-contact-changed/detection.js';
import { detection as backupProtectionRemoved } from './backup-protection-removed/detection.js';
import { detection as bedrockAgentcoreCredentialsExternalUse } from './bedrock-agentcore-credentials-external-use/detection.js';
import { detection as bedrockGuardrailRemoved } from './bedrock-guardrail-removed/detection.js';
import { detection as bedrockInvocationLoggingDeleted } from './bedrock-invocation-logging-deleted/detection.js';
import { detection as bedrockModelAccessEnabled } from './bedrock-model-access-enabled/detection.js';
import { detection as bedrockModelInvokedByUnusualPrincipal } from './bedrock-model-invoked-by-unusual-principal/detection.js';
import { detection as bedrockModelsEnumeratedAcrossRegions } from './bedrock-models-enumerated-across-regions/detection.js';
import { detection as cloudtrailLoggingTampered } from './cloudtrail-logging-tampered/detection.js';
import { detection as cloudwatchAlarmsDisabled } from './cloudwatch-alarms-disabled/detection.js';
import { detection as cloudwatchLogsTampered } from './cloudwatch-logs-tampered/detection.js';
import { detection as codebuildProjectMadePublic } from './codebuild-project-made-public/detection.js';
import { detection as cognitoRefreshTokenNewNetwork } from './cognito-refresh-token-new-network/detection.js';
import { detection as configRecorderConfigured } from './config-recorder-configured/detection.js';
import { detection as configRecordingDisabled } from './config-recording-disabled/detection.js';
import { detection as detectiveGraphDeleted } from './detective-graph-deleted/detection.js';
import { detection as ec2AmiDeregistered } from './ec2-ami-deregistered/detection.js';
import { detection as ec2ConsoleOutputCollected } from './ec2-console-output-collected/detection.js';
import { detection as ec2EbsDefaultEncryptionChanged } from './ec2-ebs-default-encryption-changed/detection.js';
import { detection as ec2EbsDefaultEncryptionDisabled } from './ec2-ebs-default-encryption-disabled/detection.js';
import { detection as ec2ImageExported } from './ec2-image-exported/detection.js';
import { detection as ec2Imdsv1Enabled } from './ec2-imdsv1-enabled/detection.js';
import { detection as ec2InstanceAdminProfile } from './ec2-instance-admin-profile/detection.js';
import { detection as ec2InstanceConnectMultipleInstances } from './ec2-instance-connect-multiple-instances/detection.js';
import { detection as ec2InstanceConnectSshKeyPushed } from './ec2-instance-connect-ssh-key-pushed/detection.js';
import { detection as ec2InstanceCredentialsDiscoveryBurst } from './ec2-instance-credentials-discovery-burst/detection.js';
import { detection as ec2InstanceCredentialsExternalUse } from './ec2-instance-credentials-external-use/detection.js';
import { detection as ec2InstanceForbiddenRegion } from './ec2-instance-forbidden-region/detection.js';
import { detection as ec2InstanceLaunchedFromDeniedImage } from './ec2-instance-launched-from-denied-image/detection.js';
import { detection as ec2InstanceLifecycleChange } from './ec2-instance-lifecycle-change/detection.js';
import { detection as ec2InstanceMissingTags } from './ec2-instance-missing-tags/detection.js';
import { detection as ec2InstanceUnapprovedType } from './ec2-instance-unapproved-type/detection.js';
import { detection as ec2InstancesMassStoppedOrTerminated } from './ec2-instances-mass-stopped-or-terminated/detection.js';
import { detection as ec2KeyPairCreated } from './ec2-key-pair-created/detection.js';
import { detection as ec2LargeInstanceBurst } from './ec2-large-instance-burst/detection.js';
import { detection as ec2NetworkAclOpenToWorld } from './ec2-network-acl-open-to-world/detection.js';
import { detection as ec2NetworkChangedManually } from './ec2-network-changed-manually/detection.js';
import { detection as ec2PasswordDataRead } from './ec2-password-data-read/detection.js';
import { detection as ec2RouteToInternetOrInstance } from './ec2-route-to-internet-or-instance/detection.js';
import { detection as ec2SecurityGroupChangedManually } from './ec2-security-group-changed-manually/detection.js';
import { detection as ec2SecurityGroupOpenToWorld } from './ec2-security-group-open-to-world/detection.js';
import { detection as ec2SerialConsoleAccessEnabled } from './ec2-serial-console-access-enabled/detection.js';
import { detection as ec2SerialConsoleSshKeyPushed } from './ec2-serial-console-ssh-key-pushed/detection.js';
import { detection as ec2SharedSnapshotCopiedExternally } from './ec2-shared-snapshot-copied-externally/detection.js';
import { detection as ec2TrafficMirroring } from './ec2-traffic-mirroring/detection.js';
import { detection as ec2UserDataModified } from './ec2-user-data-modified/detection.js';
import { detection as ec2UserDataReadBurst } from './ec2-user-data-read-burst/detection.js';
import { detection as ec2UserDataScriptRun } from './ec2-user-data-script-run/detection.js';
import { detection as ec2VpcEndpointExposed } from './ec2-vpc-endpoint-exposed/detection.js';
import { detection as ec2VpcPeeringExternal } from './ec2-vpc-peering-external/detection.js';
import { detection as ecrImageChangedByUnapprovedPrincipal } from './ecr-image-changed-by-unapproved-principal/detection.js';
import { detection as ecsEksClusterCreatedOrDeleted } from './ecs-eks-cluster-created-or-deleted/detection.js';
import { detection as ecsTaskDefinitionPrivileged } from './ecs-task-definition-privileged/detection.js';
import { detection as eksAccessEntryAdminGranted } from './eks-access-entry-admin-granted/detection.js';
import { detection as eksAuditLoggingDisabled } from './eks-audit-logging-disabled/detection.js';
import { detection as elbAccessLoggingDisabled } from './elb-access-logging-disabled/detection.js';
import { detection as eventbridgeRuleDisabled } from './eventbridge-rule-disabled/detection.js';
import { detection as guarddutyDetectorDisabled } from './guardduty-detector-disabled/detection.js';
import { detection as guarddutyFindingsSuppressed } from './guardduty-findings-suppressed/detection.js';
import { detection as guarddutyTrustedIpListChanged } from './guardduty-trusted-ip-list-changed/detection.js';
import { detection as iamAccessDeniedRecon } from './iam-access-denied-recon/detection.js';
import { detection as iamAccessKeyCreatedForAnotherUser } from './iam-access-key-created-for-another-user/detection.js';
import { detection as iamAccessKeyQuarantinedByAws } from './iam-access-key-quarantined-by-aws/detection.js';
import { detection as iamAdminPolicyGranted } from './iam-admin-policy-granted/detection.js';
import { detection as iamConfigurationChanged } from './iam-configuration-changed/detection.js';
import { detection as iamEntityCreatedManually } from './iam-entity-created-manually/detection.js';
import { detection as iamEnumerationBurst } from './iam-enumeration-burst/detection.js';
import { detection as iamIdentityProviderChanged } from './iam-identity-provider-changed/detection.js';
import { detection as iamLoginProfileChangedForAnotherUser } from './iam-login-profile-changed-for-another-user/detection.js';
import { detection as iamMfaDeviceRemoved } from './iam-mfa-device-removed/detection.js';
import { detection as iamPassroleAdminToCompute } from './iam-passrole-admin-to-compute/detection.js';
import { detection as iamPasswordPolicyDiscovery } from './iam-password-policy-discovery/detection.js';
import { detection as iamPasswordPolicyWeakened } from './iam-password-policy-weakened/detection.js';
import { detection as iamPermissionsBoundaryRemoved } from './iam-permissions-boundary-removed/detection.js';
import { detection as iamPolicyAttachedToUser } from './iam-policy-attached-to-user/detection.js';
import { detection as iamPolicyVersionDefaultChanged } from './iam-policy-version-default-changed/detection.js';
import { detection as iamRoleTrustPolicyOpened } from './iam-role-trust-policy-opened/detection.js';
import { detection as iamRootAccountUsage } from './iam-root-account-usage/detection.js';
import { detection as iamRootCredentialsChanged } from './iam-root-credentials-changed/detection.js';
import { detection as iamUserAddedToAdminGroup } from './iam-user-added-to-admin-group/detection.js';
import { detection as iamUserCreated } from './iam-user-created/detection.js';
import { detection as inspectorDisabled } from './inspector-disabled/detection.js';
import { detection as kmsGrantToExternalPrincipal } from './kms-grant-to-external-principal/detection.js';
import { detection as kmsKeyDisabledOrDeleted } from './kms-key-disabled-or-deleted/detection.js';
import { detection as kmsKeyMaterialImported } from './kms-key-material-imported/detection.js';
import { detection as lambdaFunctionCodeUpdated } from './lambda-function-code-updated/detection.js';
import { detection as lambdaFunctionPolicyOpened } from './lambda-function-policy-opened/detection.js';
import { detection as lambdaFunctionUrlPublic } from './lambda-function-url-public/detection.js';
import { detection as lambdaLayerAdded } from './lambda-layer-added/detection.js';
import { detection as lambdaLayerShared } from './lambda-layer-shared/detection.js';
import { detection as macieDisabled } from './macie-disabled/detection.js';
import { detection as networkFirewallDisabled } from './network-firewall-disabled/detection.js';
import { detection as organizationsAccountLeft } from './organizations-account-left/detection.js';
import { detection as organizationsPolicyWeakened } from './organizations-policy-weakened/detection.js';
import { detection as rdsAuditLoggingDisabled } from './rds-audit-logging-disabled/detection.js';
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
import { detection as rolesanywhereTrustAnchorChanged } from './rolesanywhere-trust-anchor-changed/detection.js';
import { detection as route53QueryLoggingDeleted } from './route53-query-logging-deleted/detection.js';
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
import { detection as sagemakerLifecycleConfigChanged } from './sagemaker-lifecycle-config-changed/detection.js';
import { detection as secretsmanagerBatchSecretRead } from './secretsmanager-batch-secret-read/detection.js';
import { detection as secretsmanagerSecretPolicyExternal } from './secretsmanager-secret-policy-external/detection.js';
import { detection as secretsmanagerSecretReadBurst } from './secretsmanager-secret-read-burst/detection.js';
import { detection as securityMemberDisassociated } from './security-member-disassociated/detection.js';
import { detection as securityToolsEnumerated } from './security-tools-enumerated/detection.js';
import { detection as securityhubDisabled } from './securityhub-disabled/detection.js';
import { detection as securityhubFindingsSuppressed } from './securityhub-findings-suppressed/detection.js';
import { detection as sesDiscoveryCall } from './ses-discovery-call/detection.js';
import { detection as sesEnumeration } from './ses-enumeration/detection.js';
import { detection as shardwatchFeedDisrupted } from './shardwatch-feed-disrupted/detection.js';
import { detection as signinConsoleBruteForce } from './signin-console-brute-force/detection.js';
import { detection as signinConsoleLoginWithoutMfa } from './signin-console-login-without-mfa/detection.js';
import { detection as signinConsoleSessionFromCliCredentials } from './signin-console-session-from-cli-credentials/detection.js';
import { detection as signinIamUserPasswordLogin } from './signin-iam-user-password-login/detection.js';
import { detection as signinMfaFailure } from './signin-mfa-failure/detection.js';
import { detection as signinPasswordSpraying } from './signin-password-spraying/detection.js';
import { detection as signinRootLoginFailed } from './signin-root-login-failed/detection.js';
import { detection as snapshotCopiedCrossRegion } from './snapshot-copied-cross-region/detection.js';
import { detection as snapshotOrImageShared } from './snapshot-or-image-shared/detection.js';
import { detection as ssmDocumentShared } from './ssm-document-shared/detection.js';
import { detection as ssmParameterDecryptBurst } from './ssm-parameter-decrypt-burst/detection.js';
import { detection as ssmSendCommandMultipleInstances } from './ssm-send-command-multiple-instances/detection.js';
import { detection as ssmSessionMultipleInstances } from './ssm-session-multiple-instances/detection.js';
import { detection as ssmSessionStarted } from './ssm-session-started/detection.js';
import { detection as ssoDeviceCodeTokenCreated } from './sso-device-code-token-created/detection.js';
import { detection as ssoPermissionSetAdminGranted } from './sso-permission-set-admin-granted/detection.js';
import { detection as stsAssumeRoleBlockedRole } from './sts-assume-role-blocked-role/detection.js';
import { detection as stsAssumeRoleBurst } from './sts-assume-role-burst/detection.js';
import { detection as stsCredentialScannerValidation } from './sts-credential-scanner-validation/detection.js';
import { detection as stsFederationTokenCreated } from './sts-federation-token-created/detection.js';
import { detection as stsSessionTokenByIamUser } from './sts-session-token-by-iam-user/detection.js';
import { detection as vpcEndpointOutsideAccess } from './vpc-endpoint-outside-access/detection.js';
// defense evasion, logging and detection services, network
import { detection as vpcFlowLogsDeleted } from './vpc-flow-logs-deleted/detection.js';
import { detection as wafProtectionRemoved } from './waf-protection-removed/detection.js';

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
  // defense evasion, logging and detection services, network
  vpcFlowLogsDeleted,
  route53QueryLoggingDeleted,
  configRecordingDisabled,
  configRecorderConfigured,
  bedrockInvocationLoggingDeleted,
  bedrockGuardrailRemoved,
  organizationsAccountLeft,
  rdsAuditLoggingDisabled,
  guarddutyTrustedIpListChanged,
  guarddutyFindingsSuppressed,
  securityMemberDisassociated,
  securityhubDisabled,
  securityhubFindingsSuppressed,
  macieDisabled,
  inspectorDisabled,
  accessAnalyzerDisabled,
  detectiveGraphDeleted,
  cloudwatchLogsTampered,
  shardwatchFeedDisrupted,
  cloudwatchAlarmsDisabled,
  eventbridgeRuleDisabled,
  organizationsPolicyWeakened,
  wafProtectionRemoved,
  iamPasswordPolicyWeakened,
  ec2EbsDefaultEncryptionDisabled,
  accountRegionEnabled,
  networkFirewallDisabled,
  eksAuditLoggingDisabled,
  elbAccessLoggingDisabled,
  accountSecurityContactChanged,
  ec2SecurityGroupChangedManually,
  ec2NetworkAclOpenToWorld,
  ec2NetworkChangedManually,
  ec2RouteToInternetOrInstance,
  ec2VpcPeeringExternal,
  ec2VpcEndpointExposed,
  ec2TrafficMirroring,
  vpcEndpointOutsideAccess,
  lambdaFunctionCodeUpdated,
  lambdaLayerAdded,
  lambdaFunctionPolicyOpened,
  lambdaFunctionUrlPublic,
  lambdaLayerShared,
  ec2UserDataModified,
  ec2UserDataScriptRun,
  ec2InstanceConnectSshKeyPushed,
  ec2InstanceConnectMultipleInstances,
  ec2SerialConsoleSshKeyPushed,
  ec2SerialConsoleAccessEnabled,
  ec2KeyPairCreated,
  ec2ConsoleOutputCollected,
  ec2InstanceLifecycleChange,
  ec2InstancesMassStoppedOrTerminated,
  ec2Imdsv1Enabled,
  ec2InstanceLaunchedFromDeniedImage,
  ssmSessionStarted,
  ssmSessionMultipleInstances,
  ssmSendCommandMultipleInstances,
  ssmDocumentShared,
  ec2InstanceCredentialsExternalUse,
  ec2InstanceCredentialsDiscoveryBurst,
  sagemakerLifecycleConfigChanged,
  ecsTaskDefinitionPrivileged,
  eksAccessEntryAdminGranted,
  ecsEksClusterCreatedOrDeleted,
  sesDiscoveryCall,
  sesEnumeration,
  bedrockModelsEnumeratedAcrossRegions,
  cognitoRefreshTokenNewNetwork,
  bedrockAgentcoreCredentialsExternalUse,
  securityToolsEnumerated,
  // Identity, credentials, sign-in and initial access (issue 8)
  ec2PasswordDataRead,
  ec2UserDataReadBurst,
  iamAccessDeniedRecon,
  iamAccessKeyCreatedForAnotherUser,
  iamAccessKeyQuarantinedByAws,
  iamAdminPolicyGranted,
  iamConfigurationChanged,
  iamEntityCreatedManually,
  iamEnumerationBurst,
  iamIdentityProviderChanged,
  iamLoginProfileChangedForAnotherUser,
  iamMfaDeviceRemoved,
  iamPassroleAdminToCompute,
  iamPasswordPolicyDiscovery,
  iamPermissionsBoundaryRemoved,
  iamPolicyVersionDefaultChanged,
  iamRoleTrustPolicyOpened,
  iamRootCredentialsChanged,
  iamUserAddedToAdminGroup,
  rolesanywhereTrustAnchorChanged,
  secretsmanagerBatchSecretRead,
  secretsmanagerSecretPolicyExternal,
  secretsmanagerSecretReadBurst,
  signinConsoleSessionFromCliCredentials,
  signinIamUserPasswordLogin,
  signinMfaFailure,
  signinRootLoginFailed,
  ssmParameterDecryptBurst,
  ssoDeviceCodeTokenCreated,
  ssoPermissionSetAdminGranted,
  stsAssumeRoleBlockedRole,
  stsAssumeRoleBurst,
  stsCredentialScannerValidation,
  stsFederationTokenCreated,
  stsSessionTokenByIamUser,
].map(entry);

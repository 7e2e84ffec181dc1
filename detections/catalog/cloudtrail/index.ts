import type { CatalogEntry } from '../entry.js';
import { detection as bedrockModelsEnumeratedAcrossRegions } from './bedrock-models-enumerated-across-regions/detection.js';
import { detection as cloudtrailLoggingTampered } from './cloudtrail-logging-tampered/detection.js';
import { detection as ec2ConsoleOutputCollected } from './ec2-console-output-collected/detection.js';
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
import { detection as ec2SecurityGroupOpenToWorld } from './ec2-security-group-open-to-world/detection.js';
import { detection as ec2SerialConsoleAccessEnabled } from './ec2-serial-console-access-enabled/detection.js';
import { detection as ec2SerialConsoleSshKeyPushed } from './ec2-serial-console-ssh-key-pushed/detection.js';
import { detection as ec2UserDataModified } from './ec2-user-data-modified/detection.js';
import { detection as ec2UserDataScriptRun } from './ec2-user-data-script-run/detection.js';
import { detection as ecsEksClusterCreatedOrDeleted } from './ecs-eks-cluster-created-or-deleted/detection.js';
import { detection as ecsTaskDefinitionPrivileged } from './ecs-task-definition-privileged/detection.js';
import { detection as eksAccessEntryAdminGranted } from './eks-access-entry-admin-granted/detection.js';
import { detection as guarddutyDetectorDisabled } from './guardduty-detector-disabled/detection.js';
import { detection as iamPolicyAttachedToUser } from './iam-policy-attached-to-user/detection.js';
import { detection as iamRootAccountUsage } from './iam-root-account-usage/detection.js';
import { detection as iamUserCreated } from './iam-user-created/detection.js';
import { detection as lambdaFunctionCodeUpdated } from './lambda-function-code-updated/detection.js';
import { detection as lambdaFunctionPolicyOpened } from './lambda-function-policy-opened/detection.js';
import { detection as lambdaFunctionUrlPublic } from './lambda-function-url-public/detection.js';
import { detection as lambdaLayerAdded } from './lambda-layer-added/detection.js';
import { detection as lambdaLayerShared } from './lambda-layer-shared/detection.js';
import { detection as sagemakerLifecycleConfigChanged } from './sagemaker-lifecycle-config-changed/detection.js';
import { detection as securityToolsEnumerated } from './security-tools-enumerated/detection.js';
import { detection as sesDiscoveryCall } from './ses-discovery-call/detection.js';
import { detection as sesEnumeration } from './ses-enumeration/detection.js';
import { detection as signinConsoleBruteForce } from './signin-console-brute-force/detection.js';
import { detection as signinConsoleLoginWithoutMfa } from './signin-console-login-without-mfa/detection.js';
import { detection as signinPasswordSpraying } from './signin-password-spraying/detection.js';
import { detection as ssmDocumentShared } from './ssm-document-shared/detection.js';
import { detection as ssmSendCommandMultipleInstances } from './ssm-send-command-multiple-instances/detection.js';
import { detection as ssmSessionMultipleInstances } from './ssm-session-multiple-instances/detection.js';
import { detection as ssmSessionStarted } from './ssm-session-started/detection.js';

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
  securityToolsEnumerated,
].map(entry);

import type { CatalogEntry } from '../entry.js';
import { detection as cloudtrailLoggingTampered } from './cloudtrail-logging-tampered/detection.js';
import { detection as ec2InstanceAdminProfile } from './ec2-instance-admin-profile/detection.js';
import { detection as ec2InstanceForbiddenRegion } from './ec2-instance-forbidden-region/detection.js';
import { detection as ec2InstanceMissingTags } from './ec2-instance-missing-tags/detection.js';
import { detection as ec2InstanceUnapprovedType } from './ec2-instance-unapproved-type/detection.js';
import { detection as ec2LargeInstanceBurst } from './ec2-large-instance-burst/detection.js';
import { detection as ec2PasswordDataRead } from './ec2-password-data-read/detection.js';
import { detection as ec2SecurityGroupOpenToWorld } from './ec2-security-group-open-to-world/detection.js';
import { detection as ec2UserDataReadBurst } from './ec2-user-data-read-burst/detection.js';
import { detection as guarddutyDetectorDisabled } from './guardduty-detector-disabled/detection.js';
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
import { detection as rolesanywhereTrustAnchorChanged } from './rolesanywhere-trust-anchor-changed/detection.js';
import { detection as secretsmanagerBatchSecretRead } from './secretsmanager-batch-secret-read/detection.js';
import { detection as secretsmanagerSecretPolicyExternal } from './secretsmanager-secret-policy-external/detection.js';
import { detection as secretsmanagerSecretReadBurst } from './secretsmanager-secret-read-burst/detection.js';
import { detection as signinConsoleBruteForce } from './signin-console-brute-force/detection.js';
import { detection as signinConsoleLoginWithoutMfa } from './signin-console-login-without-mfa/detection.js';
import { detection as signinConsoleSessionFromCliCredentials } from './signin-console-session-from-cli-credentials/detection.js';
import { detection as signinIamUserPasswordLogin } from './signin-iam-user-password-login/detection.js';
import { detection as signinMfaFailure } from './signin-mfa-failure/detection.js';
import { detection as signinPasswordSpraying } from './signin-password-spraying/detection.js';
import { detection as signinRootLoginFailed } from './signin-root-login-failed/detection.js';
import { detection as ssmParameterDecryptBurst } from './ssm-parameter-decrypt-burst/detection.js';
import { detection as ssoDeviceCodeTokenCreated } from './sso-device-code-token-created/detection.js';
import { detection as ssoPermissionSetAdminGranted } from './sso-permission-set-admin-granted/detection.js';
import { detection as stsAssumeRoleBlockedRole } from './sts-assume-role-blocked-role/detection.js';
import { detection as stsAssumeRoleBurst } from './sts-assume-role-burst/detection.js';
import { detection as stsCredentialScannerValidation } from './sts-credential-scanner-validation/detection.js';
import { detection as stsFederationTokenCreated } from './sts-federation-token-created/detection.js';
import { detection as stsSessionTokenByIamUser } from './sts-session-token-by-iam-user/detection.js';

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
  iamPasswordPolicyWeakened,
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

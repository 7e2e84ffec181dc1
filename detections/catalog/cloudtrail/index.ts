import type { CatalogEntry } from '../entry.js';
import { detection as accessAnalyzerDisabled } from './access-analyzer-disabled/detection.js';
import { detection as accountRegionEnabled } from './account-region-enabled/detection.js';
import { detection as accountSecurityContactChanged } from './account-security-contact-changed/detection.js';
import { detection as bedrockGuardrailRemoved } from './bedrock-guardrail-removed/detection.js';
import { detection as bedrockInvocationLoggingDeleted } from './bedrock-invocation-logging-deleted/detection.js';
import { detection as cloudtrailLoggingTampered } from './cloudtrail-logging-tampered/detection.js';
import { detection as cloudwatchAlarmsDisabled } from './cloudwatch-alarms-disabled/detection.js';
import { detection as cloudwatchLogsTampered } from './cloudwatch-logs-tampered/detection.js';
import { detection as configRecorderConfigured } from './config-recorder-configured/detection.js';
import { detection as configRecordingDisabled } from './config-recording-disabled/detection.js';
import { detection as detectiveGraphDeleted } from './detective-graph-deleted/detection.js';
import { detection as ec2EbsDefaultEncryptionDisabled } from './ec2-ebs-default-encryption-disabled/detection.js';
import { detection as ec2InstanceAdminProfile } from './ec2-instance-admin-profile/detection.js';
import { detection as ec2InstanceForbiddenRegion } from './ec2-instance-forbidden-region/detection.js';
import { detection as ec2InstanceMissingTags } from './ec2-instance-missing-tags/detection.js';
import { detection as ec2InstanceUnapprovedType } from './ec2-instance-unapproved-type/detection.js';
import { detection as ec2LargeInstanceBurst } from './ec2-large-instance-burst/detection.js';
import { detection as ec2NetworkAclOpenToWorld } from './ec2-network-acl-open-to-world/detection.js';
import { detection as ec2NetworkChangedManually } from './ec2-network-changed-manually/detection.js';
import { detection as ec2RouteToInternetOrInstance } from './ec2-route-to-internet-or-instance/detection.js';
import { detection as ec2SecurityGroupChangedManually } from './ec2-security-group-changed-manually/detection.js';
import { detection as ec2SecurityGroupOpenToWorld } from './ec2-security-group-open-to-world/detection.js';
import { detection as ec2TrafficMirroring } from './ec2-traffic-mirroring/detection.js';
import { detection as ec2VpcEndpointExposed } from './ec2-vpc-endpoint-exposed/detection.js';
import { detection as ec2VpcPeeringExternal } from './ec2-vpc-peering-external/detection.js';
import { detection as eksAuditLoggingDisabled } from './eks-audit-logging-disabled/detection.js';
import { detection as elbAccessLoggingDisabled } from './elb-access-logging-disabled/detection.js';
import { detection as eventbridgeRuleDisabled } from './eventbridge-rule-disabled/detection.js';
import { detection as guarddutyDetectorDisabled } from './guardduty-detector-disabled/detection.js';
import { detection as guarddutyFindingsSuppressed } from './guardduty-findings-suppressed/detection.js';
import { detection as guarddutyTrustedIpListChanged } from './guardduty-trusted-ip-list-changed/detection.js';
import { detection as iamPasswordPolicyWeakened } from './iam-password-policy-weakened/detection.js';
import { detection as iamPolicyAttachedToUser } from './iam-policy-attached-to-user/detection.js';
import { detection as iamRootAccountUsage } from './iam-root-account-usage/detection.js';
import { detection as iamUserCreated } from './iam-user-created/detection.js';
import { detection as inspectorDisabled } from './inspector-disabled/detection.js';
import { detection as macieDisabled } from './macie-disabled/detection.js';
import { detection as networkFirewallDisabled } from './network-firewall-disabled/detection.js';
import { detection as organizationsAccountLeft } from './organizations-account-left/detection.js';
import { detection as organizationsPolicyWeakened } from './organizations-policy-weakened/detection.js';
import { detection as rdsAuditLoggingDisabled } from './rds-audit-logging-disabled/detection.js';
import { detection as route53QueryLoggingDeleted } from './route53-query-logging-deleted/detection.js';
import { detection as securityMemberDisassociated } from './security-member-disassociated/detection.js';
import { detection as securityhubDisabled } from './securityhub-disabled/detection.js';
import { detection as securityhubFindingsSuppressed } from './securityhub-findings-suppressed/detection.js';
import { detection as shardwatchFeedDisrupted } from './shardwatch-feed-disrupted/detection.js';
import { detection as signinConsoleBruteForce } from './signin-console-brute-force/detection.js';
import { detection as signinConsoleLoginWithoutMfa } from './signin-console-login-without-mfa/detection.js';
import { detection as signinPasswordSpraying } from './signin-password-spraying/detection.js';
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
].map(entry);

import type { CatalogEntry } from '../entry.js';
import * as accessDeniedThenSucceeded from './access-denied-then-succeeded/detection.js';
import * as accountNewRegionUsed from './account-new-region-used/detection.js';
import * as discoveryApiEnumeration from './discovery-api-enumeration/detection.js';
import * as ec2InstanceCredentialsNewOrigin from './ec2-instance-credentials-new-origin/detection.js';
import * as ec2UserDataSwap from './ec2-user-data-swap/detection.js';
import * as flowlogDeliveryGap from './flowlog-delivery-gap/detection.js';
import * as flowlogEniEgressAboveBaseline from './flowlog-eni-egress-above-baseline/detection.js';
import * as flowlogRejectedConnectionSpike from './flowlog-rejected-connection-spike/detection.js';
import * as flowlogThreatListTraffic from './flowlog-threat-list-traffic/detection.js';
import * as guarddutyFindingThenPrincipalActivity from './guardduty-finding-then-principal-activity/detection.js';
import * as guarddutyFindingsByFamily from './guardduty-findings-by-family/detection.js';
import * as iamUserBackdoorChain from './iam-user-backdoor-chain/detection.js';
import * as massDestructionByPrincipal from './mass-destruction-by-principal/detection.js';
import * as s3BucketExposedAfterBlockRemoved from './s3-bucket-exposed-after-block-removed/detection.js';
import type { CorrelationShape } from './shape.js';
import * as signinNewCountryOrNetwork from './signin-new-country-or-network/detection.js';
import * as signinNoMfaSessionSecurityChanges from './signin-no-mfa-session-security-changes/detection.js';

/** A stateful detection of this folder, with its fixtures and how it holds state. */
export interface CorrelationEntry extends CatalogEntry {
  shape: CorrelationShape;
}

const entry = (module: {
  detection: CatalogEntry['detection'];
  shape: CorrelationShape;
}): CorrelationEntry => ({
  detection: module.detection,
  shape: module.shape,
  fixtures: new URL(`./${module.detection.id}/fixtures.json`, import.meta.url),
});

/**
 * The stateful half of the catalog: detections that follow an attacker across events, sources and time
 * (sequences, first-seen facts, baselines, absences), each with its fixtures and shape.
 */
export const correlationCatalog: CorrelationEntry[] = [
  iamUserBackdoorChain,
  ec2UserDataSwap,
  s3BucketExposedAfterBlockRemoved,
  signinNoMfaSessionSecurityChanges,
  discoveryApiEnumeration,
  accessDeniedThenSucceeded,
  ec2InstanceCredentialsNewOrigin,
  massDestructionByPrincipal,
  signinNewCountryOrNetwork,
  accountNewRegionUsed,
  guarddutyFindingsByFamily,
  guarddutyFindingThenPrincipalActivity,
  flowlogEniEgressAboveBaseline,
  flowlogThreatListTraffic,
  flowlogRejectedConnectionSpike,
  flowlogDeliveryGap,
].map(entry);

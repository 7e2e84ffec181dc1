import type { DetectionParams } from '../../../api.js';

export interface CredentialUseParams {
  /** How long after the GuardDuty finding a use of the instance's credentials is correlated. */
  withinMinutes: number;
}

export const DEFAULT_PARAMS: CredentialUseParams = { withinMinutes: 60 };

/**
 * Config params (`detections.guardduty-instance-compromise-credential-use.params`); throws on a bad value.
 *
 *   credentialUseParams({ withinMinutes: 120 }); // { withinMinutes: 120 }
 */
export function credentialUseParams(params: DetectionParams): CredentialUseParams {
  const value = params.withinMinutes ?? DEFAULT_PARAMS.withinMinutes;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new Error(
      `detections.guardduty-instance-compromise-credential-use.params.withinMinutes must be a positive integer, got ${JSON.stringify(value)}`,
    );
  }
  return { withinMinutes: value };
}

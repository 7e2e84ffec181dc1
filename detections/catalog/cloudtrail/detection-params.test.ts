import { describe, expect, it } from 'vitest';
import { WatermarkClock } from '../../../processor/pipeline/watermarks.js';
import { DEFAULT_STATE_OPTIONS, StateCache } from '../../../processor/state/index.js';
import type { Detection, DetectionParams } from '../../api.js';
import { detection as adminProfile } from './ec2-instance-admin-profile/detection.js';
import { detection as forbiddenRegion } from './ec2-instance-forbidden-region/detection.js';
import { detection as missingTags } from './ec2-instance-missing-tags/detection.js';
import { detection as unapprovedType } from './ec2-instance-unapproved-type/detection.js';
import { detection as openToWorld } from './ec2-security-group-open-to-world/detection.js';

function build(detection: Detection, params: DetectionParams) {
  const clock = new WatermarkClock(300_000);
  const state = new StateCache({ ...DEFAULT_STATE_OPTIONS, now: () => clock.latest });
  return () => detection.operator({ clock, state, params });
}

describe('CloudTrail detection params', () => {
  it.each([
    [
      openToWorld,
      { sensitivePorts: ['22'] },
      'detections.ec2-security-group-open-to-world.params.sensitivePorts',
    ],
    [adminProfile, { adminProfiles: 'admin' }, 'detections.ec2-instance-admin-profile.params.adminProfiles'],
    [
      forbiddenRegion,
      { allowedRegions: [''] },
      'detections.ec2-instance-forbidden-region.params.allowedRegions',
    ],
    [
      unapprovedType,
      { approvedFamilies: [3] },
      'detections.ec2-instance-unapproved-type.params.approvedFamilies',
    ],
    [missingTags, { requiredTags: {} }, 'detections.ec2-instance-missing-tags.params.requiredTags'],
  ] as const)('%#: a bad value fails when the operator is built', (detection, params, path) => {
    expect(build(detection, params)).toThrow(`${path}: expected a list of`);
    expect(build(detection, {})).not.toThrow();
  });
});

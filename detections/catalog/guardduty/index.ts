import type { CatalogEntry } from '../entry.js';
import { detection as highSeverity } from './guardduty-high-severity-finding/detection.js';
import { detection as credentialUse } from './guardduty-instance-compromise-credential-use/detection.js';

/** GuardDuty detections (alone or correlated with CloudTrail), with their fixtures. */
export const guarddutyCatalog: CatalogEntry[] = [
  {
    detection: highSeverity,
    fixtures: new URL('./guardduty-high-severity-finding/fixtures.json', import.meta.url),
  },
  {
    detection: credentialUse,
    fixtures: new URL('./guardduty-instance-compromise-credential-use/fixtures.json', import.meta.url),
  },
];

import type { CatalogEntry } from '../entry.js';
import { detection as defenseEvasion } from './guardduty-defense-evasion-finding/detection.js';
import { detection as highSeverity } from './guardduty-high-severity-finding/detection.js';
import { detection as credentialUse } from './guardduty-instance-compromise-credential-use/detection.js';
import { detection as instanceCredentialExfiltration } from './guardduty-instance-credential-exfiltration/detection.js';
import { detection as lowSeverity } from './guardduty-low-severity-finding/detection.js';
import { detection as maliciousCaller } from './guardduty-malicious-caller-finding/detection.js';
import { detection as mediumSeverity } from './guardduty-medium-severity-finding/detection.js';
import { detection as pentestTool } from './guardduty-pentest-tool-finding/detection.js';

const entry = (detection: CatalogEntry['detection']): CatalogEntry => ({
  detection,
  fixtures: new URL(`./${detection.id}/fixtures.json`, import.meta.url),
});

/** GuardDuty detections (alone or correlated with CloudTrail), with their fixtures. */
export const guarddutyCatalog: CatalogEntry[] = [
  highSeverity,
  mediumSeverity,
  lowSeverity,
  instanceCredentialExfiltration,
  defenseEvasion,
  pentestTool,
  maliciousCaller,
  credentialUse,
].map(entry);

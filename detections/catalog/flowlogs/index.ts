import type { CatalogEntry } from '../entry.js';
import { detection as inboundAdminPort } from './flowlog-inbound-admin-port-from-internet/detection.js';
import { detection as portScan } from './flowlog-port-scan/detection.js';

/** VPC flow log detections, with their fixtures. */
export const flowlogCatalog: CatalogEntry[] = [
  { detection: portScan, fixtures: new URL('./flowlog-port-scan/fixtures.json', import.meta.url) },
  {
    detection: inboundAdminPort,
    fixtures: new URL('./flowlog-inbound-admin-port-from-internet/fixtures.json', import.meta.url),
  },
];

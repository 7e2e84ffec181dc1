import type { CatalogEntry } from '../entry.js';
import { detection as inboundAdminPort } from './flowlog-inbound-admin-port-from-internet/detection.js';
import { detection as outboundDns } from './flowlog-outbound-dns-unapproved-resolver/detection.js';
import { detection as portScan } from './flowlog-port-scan/detection.js';
import { detection as recordsSkipped } from './flowlog-records-skipped/detection.js';

const entry = (detection: CatalogEntry['detection']): CatalogEntry => ({
  detection,
  fixtures: new URL(`./${detection.id}/fixtures.json`, import.meta.url),
});

/** VPC flow log detections, with their fixtures. */
export const flowlogCatalog: CatalogEntry[] = [portScan, inboundAdminPort, outboundDns, recordsSkipped].map(
  entry,
);

import { cloudtrailCatalog } from './cloudtrail/index.js';
import { correlationCatalog } from './correlations/index.js';
import type { CatalogEntry } from './entry.js';
import { flowlogCatalog } from './flowlogs/index.js';
import { guarddutyCatalog } from './guardduty/index.js';

export type { CatalogEntry } from './entry.js';

/** Every detection shardwatch ships, with its fixtures. */
export const catalog: readonly CatalogEntry[] = [
  ...cloudtrailCatalog,
  ...guarddutyCatalog,
  ...flowlogCatalog,
  ...correlationCatalog.map(({ detection, fixtures }) => ({ detection, fixtures })),
];

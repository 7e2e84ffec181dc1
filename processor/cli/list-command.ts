import { catalog } from '../../detections/catalog/index.js';
import { catalogMarkdown, catalogTable } from './catalog-listing.js';

/** `shardwatch list [--markdown]`: the catalog as a table, or as docs/detections.md. */
export function listCommand(options: { markdown?: boolean }): number {
  const detections = catalog.map((entry) => entry.detection);
  process.stdout.write(`${options.markdown ? catalogMarkdown(detections) : catalogTable(detections)}\n`);
  return 0;
}

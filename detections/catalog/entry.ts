import type { Detection } from '../api.js';

/** A catalog detection and the fixtures.json beside it. */
export interface CatalogEntry {
  detection: Detection;
  fixtures: URL;
}

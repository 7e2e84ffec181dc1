import { catalog } from '../../detections/catalog/index.js';
import { catalogMarkdown, catalogTable } from './catalog-listing.js';
import { ConfigError, DEFAULT_CONFIG, loadConfig } from './config.js';
import { sigmaRuleSet } from './sigma.js';
import { sigmaTable } from './sigma-listing.js';

export interface ListCommandOptions {
  markdown?: boolean;
  /** Sigma rule files or directories to list after the catalog. */
  sigma?: string[];
  /** A config whose `sigma.rules` are listed too. */
  config?: string;
}

/** `shardwatch list [--markdown] [--sigma <path>…] [--config f]`: the catalog, then the Sigma rules. */
export function listCommand(options: ListCommandOptions): number {
  const detections = catalog.map((entry) => entry.detection);
  if (options.markdown) {
    process.stdout.write(`${catalogMarkdown(detections)}\n`);
    return 0;
  }
  process.stdout.write(`${catalogTable(detections)}\n`);
  try {
    const config = options.config === undefined ? DEFAULT_CONFIG : loadConfig(options.config);
    const sigma = sigmaRuleSet(config, options.sigma ?? [], { strict: true }).detections;
    if (sigma.length > 0) process.stdout.write(`\n${sigmaTable(sigma)}\n`);
  } catch (error) {
    process.stderr.write(`shardwatch: ${error instanceof Error ? error.message : String(error)}\n`);
    return error instanceof ConfigError ? 2 : 1;
  }
  return 0;
}

import type { EventSource } from '../../schemas/types.js';
import { isMap } from './detection-section.js';
import { SigmaRuleError } from './errors.js';

export interface Logsource {
  product?: string;
  service?: string;
  category?: string;
}

/**
 * How Sigma logsources map to shardwatch sources. Field names are those of the raw record: CloudTrail
 * record paths, GuardDuty finding paths, VPC flow log field names (`srcaddr`, `dstport`, `action`…).
 */
const LOGSOURCE_MAPPINGS: readonly { logsource: Logsource; sources: readonly EventSource[] }[] = [
  { logsource: { product: 'aws', service: 'cloudtrail' }, sources: ['cloudtrail'] },
  { logsource: { product: 'aws', service: 'guardduty' }, sources: ['guardduty'] },
  { logsource: { product: 'aws', service: 'vpcflowlogs' }, sources: ['flowlog'] },
  { logsource: { product: 'aws' }, sources: ['cloudtrail', 'guardduty', 'flowlog'] },
];

/**
 * The shardwatch sources a rule's logsource stands for (category, product and service compared without
 * case; `definition` and custom keys ignored). A logsource without a mapping is an error, never a rule
 * silently left out.
 *
 *   sourcesOf({ product: 'aws', service: 'cloudtrail' }) // ['cloudtrail']
 */
export function sourcesOf(logsource: unknown): readonly EventSource[] {
  if (!isMap(logsource))
    throw new SigmaRuleError('missing_field', 'logsource', 'a rule needs a logsource map');
  const wanted: Logsource = {};
  for (const key of ['product', 'service', 'category'] as const) {
    const value = logsource[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string')
      throw new SigmaRuleError('invalid_field', `logsource.${key}`, 'expected a string');
    wanted[key] = value.toLowerCase();
  }
  const mapping = LOGSOURCE_MAPPINGS.find(
    ({ logsource: known }) =>
      known.product === wanted.product &&
      known.service === wanted.service &&
      known.category === wanted.category,
  );
  if (!mapping) {
    const known = LOGSOURCE_MAPPINGS.map(({ logsource: l }) => describeLogsource(l)).join('; ');
    throw new SigmaRuleError(
      'logsource_unmapped',
      'logsource',
      `no shardwatch source for ${describeLogsource(wanted)} (mapped: ${known})`,
    );
  }
  return mapping.sources;
}

function describeLogsource(logsource: Logsource): string {
  const parts = (['category', 'product', 'service'] as const)
    .filter((key) => logsource[key] !== undefined)
    .map((key) => `${key}: ${logsource[key]}`);
  return parts.length > 0 ? `{${parts.join(', ')}}` : '{}';
}

import { tierFor } from '../../finding.js';
import type { CorrelationEntry } from './index.js';

/**
 * The README's table of stateful detections: what each looks for, its window or sequence length, what it keys
 * state by, and its keyed-stream partition key (defaults of its params). A test keeps the README equal to it.
 *
 *   console.log(correlationTable(correlationCatalog));
 */
export function correlationTable(entries: readonly CorrelationEntry[]): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  return [
    '| id | severity / tier | what | window / sequence | key | partition key |',
    '|---|---|---|---|---|---|',
    ...entries
      .map(({ detection, shape }) =>
        [
          `\`${detection.id}\`${detection.enabledByDefault === false ? ' (off by default)' : ''}`,
          `${detection.severity} / ${detection.tier ?? tierFor(detection.severity)}`,
          cell(detection.title),
          cell(shape.window),
          cell(shape.key),
          cell(shape.partitionKey),
        ].join(' | '),
      )
      .map((row) => `| ${row} |`),
  ].join('\n');
}

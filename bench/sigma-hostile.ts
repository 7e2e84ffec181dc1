import { readDocuments } from '../detections/sigma/document.js';
import { eventView } from '../detections/sigma/event-view.js';
import {
  catastrophicRegexRule,
  longListRule,
  nestedConditionRule,
} from '../detections/sigma/hostile-rules.js';
import { compileSigmaSources } from '../detections/sigma/index.js';
import { compileRule } from '../detections/sigma/rule.js';
import type { JsonValue } from '../schemas/types.js';

/**
 * How long hostile Sigma rules take to compile and to evaluate (the tests only check their answers):
 *   npm run build && node dist/bench/sigma-hostile.js
 */
function time<T>(run: () => T): { ms: number; value: T } {
  const started = process.hrtime.bigint();
  const value = run();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, value };
}

function measure(name: string, text: string, record: JsonValue, evaluations: number): void {
  const compiled = time(() => {
    const [document] = readDocuments(text, `${name}.yml`, null);
    if (!document || !('body' in document)) throw new Error(`${name} did not parse`);
    return compileRule(document.body, document.origin, {});
  });
  const rule = compiled.value;
  const evaluated = time(() => {
    let matched = 0;
    for (let n = 0; n < evaluations; n += 1) if (rule.predicate(eventView(record))) matched += 1;
    return matched;
  });
  console.log(
    `| ${name} | ${compiled.ms.toFixed(0)} | ${((evaluated.ms * 1000) / evaluations).toFixed(1)} | ${evaluated.value}/${evaluations} |`,
  );
}

console.log('| hostile rule | compile ms | µs per event | matches |');
console.log('|---|---:|---:|---:|');
measure(
  'regex (a+)+$ on 100,000 × a + !',
  catastrophicRegexRule(),
  { userAgent: `${'a'.repeat(100_000)}!` },
  20,
);
measure('regex (x+x+)+y on 100,000 × x', catastrophicRegexRule(), { userAgent: 'x'.repeat(100_000) }, 20);
measure(
  '10,000-value list, equality miss + contains miss',
  longListRule(10_000),
  { eventName: 'Other', userAgent: 'aws-cli/2.15.0 Python/3.11' },
  1_000,
);
measure('10,000-value list, equality hit', longListRule(10_000), { eventName: 'Call9999' }, 10_000);
measure('condition nested 1,000 deep', nestedConditionRule(1_000), { userAgent: 'N0; N2; N999;' }, 1_000);
const refused = time(
  () =>
    compileSigmaSources([{ file: 'deep.yml', text: nestedConditionRule(5_000) }]).reports[0]?.error?.reason,
);
console.log(`| condition nested 5,000 deep (refused: ${refused.value}) | ${refused.ms.toFixed(0)} | – | – |`);

import { parseArgs } from 'node:util';
import { type CorpusVariant, DEFAULT_CORPUS_OPTIONS, writeCorpus } from './corpus.js';

/**
 * Writes the benchmark corpus (see corpus.ts), deterministic for a seed:
 *
 *   node dist/bench/generate/corpus-cli.js --events 1000000 --out bench/data/corpus-1000000 \
 *     [--seed 1] [--flow-ratio 20] [--cloudtrail-per-second 10] [--accounts 24] [--principals 2000] [--variants s3,big,cwl]
 */
const { values } = parseArgs({
  options: {
    events: { type: 'string' },
    out: { type: 'string' },
    seed: { type: 'string' },
    'flow-ratio': { type: 'string' },
    'cloudtrail-per-second': { type: 'string' },
    accounts: { type: 'string' },
    principals: { type: 'string' },
    variants: { type: 'string' },
  },
});

function number(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) {
    process.stderr.write(`--${name} must be a positive number\n`);
    process.exit(2);
  }
  return parsed;
}

if (!values.out || !values.events) {
  process.stderr.write(
    'usage: corpus-cli --events N --out dir [--seed S] [--flow-ratio R] [--variants s3,big,cwl]\n',
  );
  process.exit(2);
}
const variants = (values.variants?.split(',') ?? DEFAULT_CORPUS_OPTIONS.variants) as CorpusVariant[];
if (!variants.every((variant) => ['s3', 'big', 'cwl'].includes(variant))) {
  process.stderr.write('--variants: a comma-separated list of s3, big, cwl\n');
  process.exit(2);
}
const started = performance.now();
const manifest = await writeCorpus(values.out, {
  ...DEFAULT_CORPUS_OPTIONS,
  events: Math.round(number('events', values.events, 0)),
  seed: number('seed', values.seed, DEFAULT_CORPUS_OPTIONS.seed),
  flowRatio: number('flow-ratio', values['flow-ratio'], DEFAULT_CORPUS_OPTIONS.flowRatio),
  cloudTrailPerSecond: number(
    'cloudtrail-per-second',
    values['cloudtrail-per-second'],
    DEFAULT_CORPUS_OPTIONS.cloudTrailPerSecond,
  ),
  accounts: Math.round(number('accounts', values.accounts, DEFAULT_CORPUS_OPTIONS.accounts)),
  principals: Math.round(number('principals', values.principals, DEFAULT_CORPUS_OPTIONS.principals)),
  variants,
});
const { records } = manifest;
process.stderr.write(
  `wrote ${records.total} records (CloudTrail ${records.cloudtrail}, flow ${records.flowlog}, GuardDuty ${records.guardduty}), ` +
    `${manifest.labels} labels, files ${JSON.stringify(manifest.files)} to ${values.out} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
);

#!/usr/bin/env node
import { Command } from 'commander';
import { DEFAULT_DECODE_THREADS } from '../pipeline/replay.js';
import { benchCommand } from './bench-command.js';
import { listCommand } from './list-command.js';
import { replayCommand } from './replay-command.js';
import { runCommand } from './run-command.js';
import { schemaCommand } from './schema-command.js';
import { testCommand } from './test-command.js';
import { validateCommand } from './validate-command.js';

/**
 * Exit codes: 0 ok (bad input is dead-lettered, not an error), 1 failed fixtures, Sigma rules that did not
 * load (validate) or I/O error, 2 usage/config error.
 */
const program = new Command()
  .name('shardwatch')
  .description('Streaming security monitor for AWS CloudTrail, GuardDuty and VPC flow logs.')
  .showHelpAfterError()
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));

program
  .command('replay')
  .description('Replay log files or directories through the detections and write findings as JSON Lines')
  .argument('<paths...>', 'files or directories (.json, .jsonl, .gz, flow-log text)')
  .option('-o, --out <file>', 'write findings here (JSON Lines); default: stdout')
  .option('--dead-letters <file>', 'write dead letters here; default: next to --out')
  .option('-c, --config <file>', 'shardwatch.yaml')
  .option('--quiet', 'no per-finding lines or progress, summary only')
  .option(
    '--sigma <path>',
    'Sigma rule file or directory to run beside the catalog (repeatable)',
    collect,
    [],
  )
  .option(
    '--threads <n>',
    `threads that read, gunzip and prefilter files beside the pipeline thread (0: all on one thread; default ${DEFAULT_DECODE_THREADS} for inputs over 8 MiB, else 0)`,
  )
  .action(async (paths: string[], options) => {
    process.exitCode = await replayCommand(paths, options);
  });

program
  .command('run')
  .description(
    'Consume the Kinesis stream of the config (leases and checkpoints in DynamoDB) until SIGTERM/SIGINT',
  )
  .option(
    '-c, --config <file>',
    'shardwatch.yaml with a consumer section; default: the YAML in SHARDWATCH_CONFIG. SHARDWATCH_<SECTION>__<KEY> variables override either',
  )
  .option(
    '--role <role>',
    'all (decode, detect, deliver); ingest (source stream: single-event detections, re-publish to the keyed ' +
      'stream); detect (keyed stream: windowed and correlating detections)',
    'all',
  )
  .option('-o, --out <file>', 'also write findings here (JSON Lines); default: stdout')
  .option('--dead-letters <file>', 'write undecodable records here; default: next to --out')
  .action(async (options) => {
    process.exitCode = await runCommand(options);
  });

program
  .command('test')
  .description("Run detections' fixtures and report pass/fail per detection")
  .argument('[ids...]', 'detection ids (default: all)')
  .option('-v, --verbose', 'list every case')
  .action(async (ids: string[], options) => {
    process.exitCode = await testCommand(ids, options);
  });

program
  .command('list')
  .description('Print the detection catalog: id, severity, tier, sources, MITRE ATT&CK and Panther rule ids')
  .option('--markdown', 'print docs/detections.md (grouped by ATT&CK tactic) instead of the table')
  .option('--sigma <path>', 'also list the Sigma rules of this file or directory (repeatable)', collect, [])
  .option('-c, --config <file>', 'also list the Sigma rules of the config')
  .action((options) => {
    process.exitCode = listCommand(options);
  });

program
  .command('validate')
  .description(
    'Check Sigma rules (one line per rule: loaded, or what is not supported and where) and a config (file, ' +
      'SHARDWATCH_CONFIG and SHARDWATCH_* overrides) against the detection catalog',
  )
  .argument('[rules...]', 'Sigma rule files or directories')
  .option(
    '-c, --config <file>',
    'shardwatch.yaml (its sigma rules are checked too); default: SHARDWATCH_CONFIG',
  )
  .option('--print', 'print the effective config (after environment overrides, secrets redacted) as YAML')
  .action((rules: string[], options) => {
    process.exitCode = validateCommand(rules, options);
  });

program
  .command('schema')
  .description('Print the JSON Schema of shardwatch.yaml (for editors; docs/shardwatch.schema.json)')
  .action(() => {
    process.exitCode = schemaCommand();
  });

program
  .command('bench')
  .description(
    'Benchmark report: replay throughput against the parse ceiling and DuckDB, memory, latency, consumer CPU (development install)',
  )
  .requiredOption('--report <dir>', 'write report.md, report.json and the charts here')
  .option('--docs <file>', 'also write the Markdown there (e.g. docs/benchmarks.md), links relative to it')
  .option(
    '--sizes <list>',
    'corpus sizes in events, generated into bench/data if missing',
    '10000,100000,1000000',
  )
  .option('--threads <list>', 'decode thread counts to replay the mix with', '0,1,2')
  .option('--rss-events <n>', 'also replay a corpus of n events for memory over time (e.g. 10000000)')
  .option(
    '--latency-seconds <n>',
    'also run the paced live latency run through kinesis-local, n seconds per consumer mode',
  )
  .option('--consumer-records <n>', 'also run the consumer comparison with n records')
  .option('--variants <list>', 'corpus layouts: s3 (small files), big (one file per source)', 's3,big')
  .action((options) => {
    process.exitCode = benchCommand(options);
  });

/** Accumulates a repeatable option's values. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

await program.parseAsync();

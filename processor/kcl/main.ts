#!/usr/bin/env node
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import kcl from 'aws-kcl';
import { ConfigError, loadConfig } from '../cli/config.js';
import { enabledDetections } from '../cli/detections.js';
import { createLogger } from '../cli/logger.js';
import type { DeadLetter } from '../decode/index.js';
import { DeadLetterFile } from '../sinks/dead-letter-file.js';
import { Delivery } from '../sinks/delivery.js';
import { SinkSetupError, sinksFromConfig } from '../sinks/from-config.js';
import { JsonlFile } from '../sinks/jsonl-file.js';
import { JsonlSink } from '../sinks/jsonl-sink.js';
import type { FindingSink } from '../sinks/sink.js';
import { createRecordProcessor } from './record-processor.js';

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  out: { type: 'string', short: 'o' },
  'dead-letters': { type: 'string' },
} as const;

/**
 * The executable the MultiLangDaemon's `executableName` names; the daemon spawns it once per shard:
 *   node dist/processor/kcl/main.js --config shardwatch.yaml --out 'out/kcl-{shard}.jsonl'
 * stdout is the protocol channel: findings go to sinks and files, JSON log lines to stderr. `{shard}` in a path
 * becomes the shard id, so the processes of different shards never write the same file.
 * Exit codes: 0 when the daemon closes stdin, 1 when findings can no longer be acked, 2 for usage/config errors.
 */
function main(argv: readonly string[]): void {
  let values: { config?: string; out?: string; 'dead-letters'?: string };
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS }));
  } catch (error) {
    log(`usage: ${describe(error)}`);
    process.exit(2);
  }
  let sinks: FindingSink[];
  let config: ReturnType<typeof loadConfig>;
  let enabled: ReturnType<typeof enabledDetections>;
  try {
    config = loadConfig(values.config);
    enabled = enabledDetections(config);
    sinks = sinksFromConfig(config.sinks, process.env);
  } catch (error) {
    log(describe(error));
    process.exit(error instanceof ConfigError || error instanceof SinkSetupError ? 2 : 1);
  }
  const out = values.out;
  if (!out && sinks.length === 0) {
    log('usage: no destination for findings: pass --out <file> or configure sinks in --config');
    process.exit(2);
  }
  const logger = createLogger(config.log.level).child({ adapter: 'kcl' });
  let delivery: Delivery | undefined;
  let deadLetterFile: JsonlFile<DeadLetter> | undefined;
  const { detections, params } = enabled;
  const processor = createRecordProcessor({
    detections,
    params,
    allowRules: config.allowList,
    flowFormat: config.flowFormat,
    latenessMs: config.latenessMs,
    state: config.state,
    delivery: (shardId) => {
      const path = (template: string) => template.replaceAll('{shard}', shardId);
      const deadLetters = values['dead-letters'] ?? (out ? beside(out, 'dead-letters') : undefined);
      if (deadLetters) deadLetterFile = new JsonlFile<DeadLetter>(path(deadLetters));
      delivery = new Delivery({
        sinks: [...(out ? [new JsonlSink({ path: path(out) })] : []), ...sinks],
        deadLetters: new DeadLetterFile(
          path(
            config.sinks.deadLetters ?? (out ? beside(out, 'rejected') : 'out/kcl-{shard}.rejected.jsonl'),
          ),
        ),
      });
      logger.info(
        { event: 'shard_initialized', shard: shardId, detections: detections.length },
        `shard ${shardId}: ${detections.length} detections`,
      );
      return delivery;
    },
    onDeadLetter: (deadLetter) => {
      if (deadLetterFile) deadLetterFile.write(deadLetter);
      else {
        const { reason, origin, detail } = deadLetter;
        logger.warn({ event: 'dead_letter', reason, origin, detail }, 'record dead-lettered');
      }
    },
    onError: (error, fatal) => {
      logger.error({ event: 'error', fatal, err: error }, describe(error));
      if (fatal) process.exit(1);
    },
  });
  // The daemon closes stdin when the shard's work is over: deliver what is left, then exit.
  process.stdin.once('end', () => {
    void Promise.all([delivery?.close(), deadLetterFile?.close()]).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ event: 'error', fatal: true, err: error }, describe(error));
        process.exit(1);
      },
    );
  });
  kcl(processor).run();
}

/** `out/kcl-{shard}.jsonl` → `out/kcl-{shard}.<kind>.jsonl` */
function beside(out: string, kind: string): string {
  return join(dirname(out), `${basename(out).replace(/\.jsonl?$/i, '')}.${kind}.jsonl`);
}

function log(message: string): void {
  process.stderr.write(`shardwatch-kcl: ${message}\n`);
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

main(process.argv.slice(2));

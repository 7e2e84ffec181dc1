import { type Logger, pino } from 'pino';
import { LOG_LEVELS, type LogLevel } from './config-schema.js';

/**
 * JSON lines on stderr (stdout may carry findings), written synchronously so the last lines before an exit
 * are not lost. The level is LOG_LEVEL when set, else the config's `log.level`.
 *
 *   const log = createLogger(config.log.level); log.info({ event: 'lease_acquired', shard }, 'lease acquired');
 */
export function createLogger(
  configured: LogLevel,
  env: NodeJS.ProcessEnv = process.env,
  destination: number | NodeJS.WritableStream = 2,
): Logger {
  const fromEnv = env.LOG_LEVEL?.toLowerCase();
  const level = LOG_LEVELS.find((known) => known === fromEnv) ?? configured;
  return pino(
    {
      level,
      base: { name: 'shardwatch' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    typeof destination === 'number' ? pino.destination({ fd: destination, sync: true }) : destination,
  );
}

import type { Logger } from 'pino';

/**
 * Where the consumer writes its log lines (a pino logger, or a child of one): structured fields first, then
 * the message, e.g. `log.info({ event: 'lease_acquired', shard }, 'lease acquired')`.
 */
export type ConsumerLog = Pick<Logger, 'info' | 'warn' | 'error'>;

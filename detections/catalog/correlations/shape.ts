/**
 * How a stateful detection holds state, for the README's table and sizing: its window or sequence length,
 * what its operator keys state by, and its keyed-stream partition key (with the defaults of its params).
 */
export interface CorrelationShape {
  window: string;
  key: string;
  partitionKey: string;
}

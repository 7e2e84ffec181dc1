import type kcl from 'aws-kcl';

/** The daemon refused a checkpoint; `reason` is its exception name (ShutdownException, ThrottlingException, …). */
export class CheckpointRefusedError extends Error {
  override readonly name = 'CheckpointRefusedError';
  constructor(
    readonly sequenceNumber: string | null,
    readonly reason: string,
  ) {
    super(`checkpoint at ${sequenceNumber ?? 'SHARD_END'} refused by the daemon: ${reason}`);
  }
}

/**
 * aws-kcl's callback checkpoint as a promise; rejects with CheckpointRefusedError when the daemon says no.
 *
 *   await checkpoint(input.checkpointer, '49590338271490256608559692538361571095921575989136588898');
 *   await checkpoint(input.checkpointer, null); // after shardEnded: SHARD_END
 */
export function checkpoint(checkpointer: kcl.Checkpointer, sequenceNumber: string | null): Promise<void> {
  return new Promise((resolve, reject) => {
    checkpointer.checkpoint(sequenceNumber, (error) => {
      if (error) reject(new CheckpointRefusedError(sequenceNumber, String(error)));
      else resolve();
    });
  });
}

import { type KinesisClient, PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { generateCloudTrail } from '../generate/cloudtrail.js';
import { SeededRandom } from '../generate/random.js';

/** The PutRecords limit on AWS (kinesis-local does not enforce it). */
const BATCH = 500;

/**
 * Puts `count` generated CloudTrail records (one JSON record per Kinesis record, random partition keys
 * from a seeded PRNG) in PutRecords batches of 500, re-putting entries a batch reports as failed.
 *
 *   await putCloudTrail(kinesis.client(), 'bench', 20_000);
 */
export async function putCloudTrail(client: KinesisClient, streamName: string, count: number): Promise<void> {
  const keys = new SeededRandom(4);
  let batch: PutRecordsRequestEntry[] = [];
  for (const record of generateCloudTrail({ records: count })) {
    batch.push({ PartitionKey: keys.uuid(), Data: Buffer.from(JSON.stringify(record)) });
    if (batch.length === BATCH) {
      await putAll(client, streamName, batch);
      batch = [];
    }
  }
  if (batch.length > 0) await putAll(client, streamName, batch);
}

async function putAll(
  client: KinesisClient,
  streamName: string,
  entries: PutRecordsRequestEntry[],
): Promise<void> {
  let pending = entries;
  for (let attempt = 0; pending.length > 0; attempt += 1) {
    if (attempt === 5)
      throw new Error(`PutRecords: ${pending.length} records still failing after 5 attempts`);
    const out = await client.send(new PutRecordsCommand({ StreamName: streamName, Records: pending }));
    pending = pending.filter((_, i) => out.Records?.[i]?.ErrorCode !== undefined);
  }
}

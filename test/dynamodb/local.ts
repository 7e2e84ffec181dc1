import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';

export interface LocalDynamoDb {
  /** e.g. http://127.0.0.1:41234 */
  endpoint: string;
  /** A new client for the emulator (region us-east-1, fake credentials, no SDK retries). */
  client(): DynamoDBClient;
  stop(): Promise<void>;
}

/**
 * In-process dynalite (in memory) on a free loopback port; tables are ACTIVE at once (createTableMs 0).
 *
 *   const ddb = await startDynalite(); const table = new LeaseTable({ client: ddb.client(), tableName: 'app' });
 *   await ddb.stop();
 */
export async function startDynalite(): Promise<LocalDynamoDb> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const clients: DynamoDBClient[] = [];
  return {
    endpoint,
    client() {
      const client = new DynamoDBClient({
        endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' },
        maxAttempts: 1,
      });
      clients.push(client);
      return client;
    },
    async stop() {
      for (const client of clients) client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

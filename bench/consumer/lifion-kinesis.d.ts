// lifion-kinesis ships no types; this covers what lifion-drain.ts uses (options from its lib/index.js doc comment).
declare module 'lifion-kinesis' {
  import { Readable } from 'node:stream';

  interface LifionRecord {
    sequenceNumber: string;
    partitionKey: string;
    /** A Buffer when `shouldParseJson` is false. */
    data: unknown;
  }

  interface LifionChunk {
    records: LifionRecord[];
    shardId: string;
    millisBehindLatest: number;
  }

  interface LifionOptions {
    streamName: string;
    consumerGroup?: string;
    initialPositionInStream?: 'LATEST' | 'TRIM_HORIZON';
    createStreamIfNeeded?: boolean;
    shouldParseJson?: boolean | 'auto';
    pollDelay?: number;
    limit?: number;
    dynamoDb?: Record<string, unknown>;
    logger?: {
      debug?: (...args: unknown[]) => void;
      warn?: (...args: unknown[]) => void;
      error?: (...args: unknown[]) => void;
    };
    /** Anything else goes to AWS.Kinesis (endpoint, region, accessKeyId, secretAccessKey, …). */
    [awsOption: string]: unknown;
  }

  export default class Kinesis extends Readable {
    constructor(options: LifionOptions);
    startConsumer(): Promise<void>;
    stopConsumer(): void;
    on(event: 'data', listener: (chunk: LifionChunk) => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
  }
}

import { createReadStream, readFileSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline, Readable } from 'node:stream';
import { createGunzip, gunzipSync } from 'node:zlib';
import type { DecodeError } from './dead-letter.js';
import { gzipDecodeError, isGzip } from './gzip.js';

/** A file's (decompressed) bytes in chunks, and the damage that ended them early, if any. */
export interface FileChunks {
  chunks: AsyncIterable<Buffer> | Iterable<Buffer>;
  /** Set once the chunks end because the gzip stream was truncated or corrupt. */
  damage(): DecodeError | null;
}

/**
 * Files up to this size are read and gunzipped in one call: CloudTrail delivers one small file per account,
 * region and 5 minutes, and a stream's setup per file (handles, zlib stream, async iteration) costs more
 * than the file's content.
 */
export const WHOLE_FILE_BYTES = 1_048_576;
/** Read and gunzip chunk size for larger files: the default 16 KiB spends more time in stream calls than in inflate. */
const STREAM_CHUNK_BYTES = 262_144;

/**
 * Streams a file's bytes, gunzipping it when it starts with gzip's magic bytes (multi-member gzip
 * included). A damaged gzip stream ends the chunks and is reported by `damage()`; I/O errors throw.
 *
 *   const { chunks, damage } = await openFileChunks('trail.json.gz');
 */
export async function openFileChunks(path: string): Promise<FileChunks> {
  // Synchronous on purpose: one blocking read of a small local file is cheaper than four async round trips.
  if (statSync(path).size <= WHOLE_FILE_BYTES) return wholeFileChunks(readFileSync(path));
  return streamedChunks(
    createReadStream(path, { highWaterMark: STREAM_CHUNK_BYTES }),
    await magicBytes(path),
  );
}

/** A small file in one chunk; a damaged gzip file is streamed instead, to keep what precedes the damage. */
function wholeFileChunks(data: Buffer): FileChunks {
  if (!isGzip(data)) return { chunks: [data], damage: () => null };
  try {
    return { chunks: [gunzipSync(data)], damage: () => null };
  } catch (error) {
    if (gzipDecodeError(error) === null) throw error;
    return streamedChunks(Readable.from([data]), data);
  }
}

function streamedChunks(source: Readable, start: Buffer): FileChunks {
  const gzip = isGzip(start);
  let damage: DecodeError | null = null;
  const stream = gzip ? pipeline(source, createGunzip({ chunkSize: STREAM_CHUNK_BYTES }), () => {}) : source;
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of stream) yield chunk as Buffer;
    } catch (error) {
      damage = gzip ? gzipDecodeError(error) : null;
      if (damage === null) throw error;
    } finally {
      stream.destroy();
      source.destroy();
    }
  }
  return { chunks: chunks(), damage: () => damage };
}

async function magicBytes(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

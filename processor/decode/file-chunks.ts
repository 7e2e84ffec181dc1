import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { DecodeError } from './dead-letter.js';
import { gzipDecodeError, isGzip } from './gzip.js';

/** A file's (decompressed) bytes in chunks, and the damage that ended them early, if any. */
export interface FileChunks {
  chunks: AsyncIterable<Buffer>;
  /** Set once the chunks end because the gzip stream was truncated or corrupt. */
  damage(): DecodeError | null;
}

/**
 * Streams a file's bytes, gunzipping it when it starts with gzip's magic bytes (multi-member gzip
 * included). A damaged gzip stream ends the chunks and is reported by `damage()`; I/O errors throw.
 *
 *   const { chunks, damage } = await openFileChunks('trail.json.gz');
 */
export async function openFileChunks(path: string): Promise<FileChunks> {
  const gzip = await startsWithGzip(path);
  let damage: DecodeError | null = null;
  const source = createReadStream(path);
  const stream = gzip ? pipeline(source, createGunzip(), () => {}) : source;
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

async function startsWithGzip(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return isGzip(buffer.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

import { gunzipSync } from 'node:zlib';
import { DecodeError } from './dead-letter.js';

/** gzip's magic bytes, 1f 8b: how compressed input is recognised (names and extensions are not trusted). */
export function isGzip(data: Uint8Array): boolean {
  return data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b;
}

/**
 * Decompresses one gzip record, at most `maxOutputBytes` of output; throws DecodeError
 * (gzip_truncated, gzip_invalid or too_large).
 *
 *   gunzipRecord(kinesisRecord.data, 32 * 1_048_576).toString('utf8')
 */
export function gunzipRecord(data: Uint8Array, maxOutputBytes: number): Buffer {
  try {
    return gunzipSync(data, { maxOutputLength: maxOutputBytes });
  } catch (error) {
    throw gzipDecodeError(error) ?? error;
  }
}

/**
 * The dead-letter reason of a zlib error (from gunzipSync or a createGunzip stream); null for
 * anything else (e.g. an I/O error, which is not the input's fault).
 *
 *   stream.on('error', (error) => { const reason = gzipDecodeError(error)?.reason; });
 */
export function gzipDecodeError(error: unknown): DecodeError | null {
  if (!(error instanceof Error)) return null;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'Z_BUF_ERROR') return new DecodeError('gzip_truncated', error.message);
  if (code === 'ERR_BUFFER_TOO_LARGE') return new DecodeError('too_large', `decompressed: ${error.message}`);
  if (typeof code === 'string' && code.startsWith('Z_'))
    return new DecodeError('gzip_invalid', error.message);
  return null;
}

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../schemas/types.js';
import { JsonlSink } from './jsonl-sink.js';

const finding = (id: string) => ({ id, detection: 'd', count: 1 }) as unknown as Finding;

describe('JsonlSink', () => {
  it('writes one finding per line to a file and accepts the whole batch', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'shardwatch-jsonl-')), 'out', 'findings.jsonl');
    const sink = new JsonlSink({ path });
    const batch = [finding('a'), finding('b')];
    expect(await sink.send(batch)).toEqual({ accepted: batch, rejected: [], retries: 0 });
    await sink.send([finding('c')]);
    await sink.close();
    expect(readFileSync(path, 'utf8')).toBe(
      '{"id":"a","detection":"d","count":1}\n{"id":"b","detection":"d","count":1}\n{"id":"c","detection":"d","count":1}\n',
    );
    expect([sink.name, sink.maxBatch]).toEqual(['jsonl', 500]);
  });

  it('writes to a stream such as stdout and leaves it open on close', async () => {
    const stream = new PassThrough();
    const chunks: string[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    const sink = new JsonlSink({ stream });
    await sink.send([finding('a')]);
    await sink.send([]);
    await sink.close();
    expect(chunks.join('')).toBe('{"id":"a","detection":"d","count":1}\n');
    expect(stream.writable).toBe(true);
  });

  it('fails the batch when the stream fails (Delivery then dead-letters it as sink_error)', async () => {
    const stream = new PassThrough();
    stream.destroy();
    const sink = new JsonlSink({ stream });
    await expect(sink.send([finding('a')])).rejects.toMatchObject({ code: 'ERR_STREAM_DESTROYED' });
  });
});

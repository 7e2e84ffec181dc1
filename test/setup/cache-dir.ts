import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Downloads the tests reuse between runs (Node binaries, the container base image): SHARDWATCH_CACHE, or
 * ~/.cache/shardwatch. CI runs on the same machine as the session, so it finds what an earlier run left.
 */
export function cacheDir(...parts: string[]): string {
  const dir = join(process.env.SHARDWATCH_CACHE ?? join(homedir(), '.cache', 'shardwatch'), ...parts);
  mkdirSync(dir, { recursive: true });
  return dir;
}

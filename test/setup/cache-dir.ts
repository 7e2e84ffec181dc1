import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Downloads the tests reuse between runs (Node binaries, the container base image): shardwatch/ in
 * XDG_CACHE_HOME (default ~/.cache). CI runs on the same machine as the session, so it finds what an
 * earlier run left. (Not a SHARDWATCH_ variable: those are config overrides.)
 */
export function cacheDir(...parts: string[]): string {
  const dir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'shardwatch', ...parts);
  mkdirSync(dir, { recursive: true });
  return dir;
}

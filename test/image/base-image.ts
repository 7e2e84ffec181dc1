import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../setup/cache-dir.js';
import { NODE_24, nodeBinary, npmPack } from '../setup/node-binary.js';
import { buildah } from './buildah.js';

/** npm in the stand-in base (the official image ships the npm of its Node release). */
const NPM = '11.19.1';
/** The machine's own apt sources: the mirror this machine reaches. */
const APT_SOURCES = '/etc/apt/sources.list.d/debian.sources';
/** CAs this machine adds to Debian's (an egress proxy that re-signs TLS): npm in the base must trust them too. */
const EXTRA_CAS = '/usr/local/share/ca-certificates';

export const BASE_IMAGE = `localhost/shardwatch-node-base:${NODE_24}-bookworm`;

/**
 * A local stand-in for node:24-bookworm-slim, which cannot be pulled here: Debian bookworm from Debian's
 * packages (mmdebstrap, docs and locales left out as in -slim), the official Node 24 binary and npm from the
 * npm registry in /usr/local, and the `node` user (uid 1000) of the official images. The tarball is cached,
 * so a later run (or CI on this machine) only imports it.
 *
 *   const base = ensureBaseImage(); // buildah bud --build-arg BASE=<base> …
 */
export function ensureBaseImage(): string {
  if (buildah(['images', '--quiet', BASE_IMAGE], { allowFailure: true }).trim() !== '') return BASE_IMAGE;
  const dir = cacheDir('image');
  const tarball = join(dir, `node-base-${NODE_24}-bookworm.tar`);
  if (!existsSync(tarball)) buildBaseTarball(dir, tarball);
  execFileSync(
    'podman',
    ['--storage-driver', 'vfs', 'import', '--change', 'CMD ["node"]', tarball, BASE_IMAGE],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  return BASE_IMAGE;
}

function buildBaseTarball(dir: string, tarball: string): void {
  const node = nodeBinary(NODE_24);
  const npm = npmPack(`npm@${NPM}`, dir);
  const cas = existsSync(EXTRA_CAS) ? readdirSync(EXTRA_CAS).filter((name) => name.endsWith('.crt')) : [];
  const hooks = [
    `install -m 0755 ${node} "$1/usr/local/bin/node"`,
    `mkdir -p "$1/usr/local/lib/node_modules/npm" && tar -xzf ${npm} -C "$1/usr/local/lib/node_modules/npm" --strip-components=1`,
    'ln -s ../lib/node_modules/npm/bin/npm-cli.js "$1/usr/local/bin/npm" && ln -s ../lib/node_modules/npm/bin/npx-cli.js "$1/usr/local/bin/npx"',
    'chroot "$1" groupadd --gid 1000 node && chroot "$1" useradd --uid 1000 --gid node --shell /bin/bash --create-home node',
    ...(cas.length > 0
      ? [
          `cp ${cas.map((name) => join(EXTRA_CAS, name)).join(' ')} "$1/usr/local/share/ca-certificates/" && chroot "$1" update-ca-certificates >/dev/null`,
          'mkdir -p "$1/usr/local/etc" && echo cafile=/etc/ssl/certs/ca-certificates.crt > "$1/usr/local/etc/npmrc"',
        ]
      : []),
    'rm -rf "$1"/var/lib/apt/lists/*',
  ];
  const slim = ['/usr/share/man/*', '/usr/share/doc/*', '/usr/share/locale/*', '/usr/share/info/*'];
  const partial = join(dir, 'partial.tar'); // mmdebstrap picks the format by the extension
  execFileSync(
    'mmdebstrap',
    [
      '--quiet',
      '--variant=apt',
      '--include=ca-certificates',
      '--mode=root',
      ...slim.map((path) => `--dpkgopt=path-exclude=${path}`),
      '--dpkgopt=path-include=/usr/share/doc/*/copyright',
      ...hooks.map((hook) => `--customize-hook=${hook}`),
      'bookworm',
      partial,
      '-',
    ],
    { input: readFileSync(APT_SOURCES), stdio: ['pipe', 'ignore', 'inherit'] },
  );
  renameSync(partial, tarball);
}

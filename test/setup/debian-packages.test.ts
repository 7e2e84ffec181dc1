import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Exec, ensureCommands, hasCommand, MissingCommandError } from './debian-packages.js';

/** A PATH of fresh directories, with executables named `commands` in the first. */
function pathWith(...commands: string[]): string {
  const bin = mkdtempSync(join(tmpdir(), 'shardwatch-path-'));
  for (const command of commands) {
    writeFileSync(join(bin, command), '#!/bin/sh\n');
    chmodSync(join(bin, command), 0o755);
  }
  return `${bin}:${mkdtempSync(join(tmpdir(), 'shardwatch-path-'))}`;
}

/** Records what would run instead of running apt-get (a fake Exec: this test is about the decision). */
function recorder() {
  const calls: string[] = [];
  const exec: Exec = (command, args, env) => {
    calls.push(`${env.DEBIAN_FRONTEND} ${command} ${args.join(' ')}`);
  };
  return { calls, exec };
}

describe('ensureCommands with a fake apt-get exec', () => {
  it('installs the packages of missing commands with one quiet update and one install, as root', () => {
    const { calls, exec } = recorder();
    const env = { PATH: pathWith('apt-get', 'buildah') };
    const installed = ensureCommands(
      { influxd: 'influxdb', buildah: 'buildah', podman: 'podman', mmdebstrap: 'mmdebstrap' },
      { env, exec, isRoot: true },
    );
    expect(installed).toEqual(['influxdb', 'podman', 'mmdebstrap']);
    expect(calls).toEqual([
      'noninteractive apt-get update -qq',
      'noninteractive apt-get install -y -qq --no-install-recommends influxdb podman mmdebstrap',
    ]);
  });

  it('does nothing when every command is on PATH', () => {
    const { calls, exec } = recorder();
    expect(
      ensureCommands({ influxd: 'influxdb' }, { env: { PATH: pathWith('influxd') }, exec, isRoot: true }),
    ).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('says what to install when it cannot (not root, or no apt-get)', () => {
    const { calls, exec } = recorder();
    const missing = () =>
      ensureCommands({ influxd: 'influxdb' }, { env: { PATH: pathWith('apt-get') }, exec, isRoot: false });
    expect(missing).toThrow(MissingCommandError);
    expect(missing).toThrow(
      'influxd not found: install the Debian package(s) influxdb (as root: apt-get install influxdb)',
    );
    expect(() =>
      ensureCommands({ influxd: 'influxdb' }, { env: { PATH: pathWith() }, exec, isRoot: true }),
    ).toThrow(MissingCommandError);
    expect(calls).toEqual([]);
  });

  it('finds a command given as a path', () => {
    expect(hasCommand('/bin/sh', '')).toBe(true);
    expect(hasCommand('/nonexistent/influxd', '/bin')).toBe(false);
  });
});

import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Runs one command to completion (throws on failure); tests replace it to see what would run. */
export type Exec = (command: string, args: string[], env: NodeJS.ProcessEnv) => void;

const execQuietly: Exec = (command, args, env) => {
  execFileSync(command, args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
};

/** A command the tests need is missing and cannot be installed here (not root, or no apt-get). */
export class MissingCommandError extends Error {
  override readonly name = 'MissingCommandError';
}

/** Whether `command` (a name, or a path) is an executable file, looking through `path` like a shell. */
export function hasCommand(command: string, path: string): boolean {
  const candidates = command.includes('/')
    ? [command]
    : path.split(delimiter).map((dir) => join(dir, command));
  return candidates.some((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Installs the Debian package of each command missing from PATH, with one quiet `apt-get update` and one
 * `apt-get install` (CI runs as root on Debian): a fresh machine needs only Node and npm for `npm test`.
 *
 *   ensureCommands({ influxd: 'influxdb' }); // no-op when influxd is on PATH
 */
export function ensureCommands(
  wanted: Record<string, string>,
  o: { env?: NodeJS.ProcessEnv; exec?: Exec; isRoot?: boolean } = {},
): string[] {
  const env = o.env ?? process.env;
  const missing = Object.entries(wanted).filter(([command]) => !hasCommand(command, env.PATH ?? ''));
  const packages = [...new Set(missing.map(([, pkg]) => pkg))];
  if (packages.length === 0) return [];
  const isRoot = o.isRoot ?? process.getuid?.() === 0;
  if (!isRoot || !hasCommand('apt-get', env.PATH ?? '')) {
    throw new MissingCommandError(
      `${missing.map(([command]) => command).join(', ')} not found: install the Debian package(s) ${packages.join(' ')} (as root: apt-get install ${packages.join(' ')})`,
    );
  }
  const exec = o.exec ?? execQuietly;
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  exec('apt-get', ['update', '-qq'], aptEnv);
  exec('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], aptEnv);
  return packages;
}

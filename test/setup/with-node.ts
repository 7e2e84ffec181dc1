import { spawnSync } from 'node:child_process';
import { delimiter, dirname } from 'node:path';
import { NODE_24, nodeBinary } from './node-binary.js';

/**
 * `npm run test:node24`: runs a command (default `npm test`) with Node 24 first on PATH, so npm scripts,
 * vitest and every child process the tests spawn run on it. The binary is downloaded once into the cache.
 *
 *   node --import tsx test/setup/with-node.ts npm test
 */
const command = process.argv.slice(2);
const [program = 'npm', ...args] = command.length > 0 ? command : ['npm', 'test'];
const node = nodeBinary(NODE_24);
const PATH = `${dirname(node)}${delimiter}${process.env.PATH ?? ''}`;
const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
process.stderr.write(`with-node: ${program} ${args.join(' ')} on Node ${version} (${node})\n`);
const result = spawnSync(program, args, { stdio: 'inherit', env: { ...process.env, PATH } });
process.exit(result.status ?? 1);

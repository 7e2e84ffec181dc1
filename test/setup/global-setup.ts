import { ensureCommands } from './debian-packages.js';

/**
 * vitest globalSetup: the real-InfluxDB tests spawn Debian's influxd (or $INFLUXD). On a fresh machine
 * with only Node and npm it is installed here, once, before any test starts.
 */
export default function setup(): void {
  const installed = ensureCommands({ [process.env.INFLUXD ?? 'influxd']: 'influxdb' });
  if (installed.length > 0) process.stderr.write(`test setup: installed ${installed.join(', ')} (apt-get)\n`);
}

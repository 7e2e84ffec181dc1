import { catalog } from '../../detections/catalog/index.js';
import { readFixtures, runFixtureFile } from '../pipeline/fixtures.js';

export interface TestCommandOptions {
  verbose?: boolean;
}

/** `shardwatch test [ids…]`: runs fixtures, prints pass/fail per detection; exit 1 when any fails. */
export async function testCommand(ids: string[], options: TestCommandOptions): Promise<number> {
  const unknown = ids.filter((id) => !catalog.some((entry) => entry.detection.id === id));
  if (unknown.length > 0) {
    process.stderr.write(`shardwatch: unknown detection(s): ${unknown.join(', ')}\n`);
    return 2;
  }
  const selected = ids.length ? catalog.filter((entry) => ids.includes(entry.detection.id)) : catalog;
  let passed = 0;
  let failed = 0;
  for (const entry of selected) {
    const report = runFixtureFile(entry.detection, await readFixtures(entry.fixtures));
    const status = report.passed ? 'PASS' : 'FAIL';
    console.log(`${status}  ${entry.detection.id} (${report.cases.length} cases)`);
    for (const result of report.cases) {
      if (options.verbose || !result.passed)
        console.log(`  ${result.passed ? 'ok  ' : 'FAIL'}  ${result.name}`);
      for (const problem of result.problems) console.log(`          ${problem}`);
    }
    if (report.passed) passed += 1;
    else failed += 1;
  }
  console.log(`\n${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

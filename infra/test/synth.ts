import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { settingsFromContext } from '../lib/settings.js';
import { ShardwatchStack } from '../lib/shardwatch-stack.js';

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';

interface ValidationReport {
  pluginReports: {
    pluginName: string;
    violations: { ruleName: string; severity?: string; violatingConstructs: { constructPath: string }[] }[];
  }[];
}

/** What one synth gives the tests: the stack, its template and what validation (cdk-nag included) reported. */
export interface Synthesized {
  stack: ShardwatchStack;
  template: Template;
  /** Every violation left (errors and warnings); empty when each rule passed or was acknowledged. */
  violations: { plugin: string; rule: string; paths: string[] }[];
}

/**
 * `cdk synth` in-process and offline, with the context `cdk deploy -c …` would give and cdk-nag's
 * AwsSolutions pack registered as bin/shardwatch.ts does. A validation failure is returned, not thrown.
 *
 *   const { template, violations } = synth({ roles: 'all' });
 */
export function synth(context: Record<string, string> = {}): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'shardwatch-cdk-'));
  const app = new App({
    outdir,
    context: { cloudTrailLogGroup: 'org-trail', image: 'shardwatch:1.0.0', ...context },
  });
  const stack = new ShardwatchStack(app, 'Shardwatch', {
    settings: settingsFromContext(app.node),
    env: { account: ACCOUNT, region: REGION },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  try {
    app.synth();
  } catch (error) {
    if (!String(error).includes('ValidationFailed')) throw error;
  }
  const reportFile = join(outdir, 'validation-report.json');
  const report: ValidationReport = existsSync(reportFile)
    ? JSON.parse(readFileSync(reportFile, 'utf8'))
    : { pluginReports: [] };
  const violations = report.pluginReports.flatMap((plugin) =>
    plugin.violations.map((violation) => ({
      plugin: plugin.pluginName,
      rule: violation.ruleName,
      paths: violation.violatingConstructs.map((construct) => construct.constructPath),
    })),
  );
  const template = Template.fromJSON(
    JSON.parse(readFileSync(join(outdir, 'Shardwatch.template.json'), 'utf8')),
  );
  return { stack, template, violations };
}

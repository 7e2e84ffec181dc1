#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { settingsFromContext } from '../lib/settings.js';
import { ShardwatchStack } from '../lib/shardwatch-stack.js';

/** `npx cdk deploy -c cloudTrailLogGroup=<log group> [-c roles=all] …` from infra/ (see the README). */
const app = new App();
new ShardwatchStack(app, app.node.tryGetContext('stackName') ?? 'Shardwatch', {
  settings: settingsFromContext(app.node),
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: 'shardwatch: streaming security monitor for CloudTrail and GuardDuty on ECS',
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));

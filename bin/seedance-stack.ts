#!/usr/bin/env node
/**
 * The CDK app: one SeedanceStack (name from context `stackName`, default SeedanceStack), checked by
 * cdk-nag AwsSolutions during synth; an unacknowledged finding fails `cdk synth` and `cdk deploy`.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SeedanceStack } from '../lib/seedance-stack';

const app = new App();
const stackName = (app.node.tryGetContext('stackName') as string | undefined) ?? 'SeedanceStack';
new SeedanceStack(app, stackName, {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: 'seedance-stack: Seedance 2.0 videos with consistent virtual characters',
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();

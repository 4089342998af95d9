// Builds SeedanceStack for assertions: cdk.json's feature flags, bundling skipped (no esbuild run),
// optional context and props. One synth takes a few seconds, so files share theirs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { REPO_ROOT } from '../../lib/constructs/handler-function';
import { SeedanceStack, type SeedanceStackProps } from '../../lib/seedance-stack';

export const CDK_CONTEXT = (
  JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  }
).context;

export interface Built {
  app: App;
  stack: SeedanceStack;
  template: Template;
  json: { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };
}

export function buildStack(context: Record<string, unknown> = {}, props: SeedanceStackProps = {}): Built {
  const app = new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = new SeedanceStack(app, 'TestStack', {
    env: { account: '123456789012', region: 'us-east-1' },
    ...props,
  });
  const template = Template.fromStack(stack);
  return { app, stack, template, json: template.toJSON() as Built['json'] };
}

export function logicalId(c: IConstruct): string {
  const child = c.node.defaultChild ?? c;
  return Stack.of(c).getLogicalId(child as never);
}

/** Every resource of a type, as [logicalId, properties]. */
export function resourcesOf(b: Built, type: string): Array<[string, Record<string, unknown>]> {
  return Object.entries(b.json.Resources)
    .filter(([, r]) => r.Type === type)
    .map(([id, r]) => [id, r.Properties ?? {}]);
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Condition?: unknown;
  Principal?: unknown;
}

export const asArray = <T>(v: T | T[] | undefined): T[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

/** Statements of every IAM policy attached to the role with this logical ID (inline and AWS::IAM::Policy). */
export function statementsOfRole(b: Built, roleId: string): Statement[] {
  const out: Statement[] = [];
  for (const [, p] of resourcesOf(b, 'AWS::IAM::Policy')) {
    const roles = asArray(p.Roles as unknown[]).map((r) => JSON.stringify(r));
    if (roles.includes(JSON.stringify({ Ref: roleId })))
      out.push(...asArray((p.PolicyDocument as { Statement: Statement[] }).Statement));
  }
  const role = b.json.Resources[roleId]?.Properties ?? {};
  for (const p of asArray(role.Policies as Array<{ PolicyDocument: { Statement: Statement[] } }>))
    out.push(...asArray(p.PolicyDocument.Statement));
  return out;
}

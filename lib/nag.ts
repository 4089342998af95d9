/**
 * Acknowledging cdk-nag's AwsSolutions-IAM5 (wildcard resource) findings where the wildcard is the
 * narrowest ARN IAM accepts: object keys under one prefix, executions of one state machine. The
 * finding ID embeds the resource as cdk-nag flattens it, so it is computed here with cdk-nag's own
 * flattening rather than copied by hand, and stays right when logical IDs change.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';

export function wildcardFinding(scope: IConstruct, resource: string): string {
  const flat = flattenCfnReference(Stack.of(scope).resolve(resource));
  return `AwsSolutions-IAM5[Resource::${flat}]`;
}

/** Acknowledges the IAM5 finding of each wildcard resource, on `scope` (the role that holds it). */
export function acknowledgeWildcards(scope: IConstruct, resources: readonly string[], reason: string): void {
  for (const r of resources) {
    const id = wildcardFinding(scope, r);
    if (id.includes('*')) Validations.of(scope).acknowledge({ id, reason });
  }
}

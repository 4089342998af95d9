import { App, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { buildStack, CDK_CONTEXT, type Built } from './stack-fixture';

// cdk-nag 3 runs as a CDK policy-validation plugin (Validations.of(app).addPlugins, as bin/ does) and
// reads acknowledgements from Validations.of(construct).acknowledge. validateScope() is the same check
// without writing a cloud assembly.

function findings(scope: IConstruct): string[] {
  const report = new AwsSolutionsChecks().validateScope(scope);
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`),
  );
}

function acknowledgements(scope: IConstruct): Array<{ path: string; id: string; reason: string }> {
  const out: Array<{ path: string; id: string; reason: string }> = [];
  for (const c of scope.node.findAll())
    for (const m of c.node.metadata)
      if (m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        for (const [id, reason] of Object.entries(m.data as Record<string, string>))
          out.push({ path: c.node.path, id: id.replace(/^annotation::/i, ''), reason });
  return out;
}

let b: Built;
beforeAll(() => {
  b = buildStack();
}, 120_000);

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in the stack', () => {
    // Prepare
    const scope = b.stack;
    // Act
    const unacknowledged = findings(scope);
    // Assess
    expect(unacknowledged).toEqual([]);
  });

  it('every acknowledgement sits on a resource (not the stack or app) and gives a real reason', () => {
    // Prepare
    const acks = acknowledgements(b.app);
    // Act
    const weak = acks.filter((a) => a.reason.trim().length < 40 || a.path === 'TestStack' || a.path === '');
    // Assess
    expect(acks.length).toBeGreaterThan(0);
    expect(weak).toEqual([]);
  });

  it('also passes as the synth-time validation plugin the app registers', () => {
    // Prepare
    const app = b.app;
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    // Act
    const synth = () => app.synth({ force: true });
    // Assess
    expect(synth).not.toThrow();
  });
});

describe('cdk-nag proof: a new finding fails, its acknowledgement passes', () => {
  function badStack(acknowledge: boolean): Stack {
    const app = new App({ context: CDK_CONTEXT });
    const stack = new Stack(app, 'ProofStack');
    // No server access logs and no TLS-only policy: AwsSolutions-S1 and -S10.
    const bucket = new s3.Bucket(stack, 'Careless', { blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL });
    if (acknowledge) {
      Validations.of(bucket).acknowledge({
        id: 'AwsSolutions-S1',
        reason: 'Proof test: logging deliberately off.',
      });
      Validations.of(bucket).acknowledge({
        id: 'AwsSolutions-S10',
        reason: 'Proof test: TLS policy deliberately off.',
      });
    }
    return stack;
  }

  it('reports the deliberately bad bucket', () => {
    // Prepare
    const stack = badStack(false);
    // Act
    const found = findings(stack);
    // Assess
    expect(found).toEqual(
      expect.arrayContaining([
        'AwsSolutions-S1 @ ProofStack/Careless/Resource',
        'AwsSolutions-S10 @ ProofStack/Careless/Resource',
      ]),
    );
  });

  it('fails synth of an app with the plugin', () => {
    // Prepare
    const stack = badStack(false);
    const app = stack.node.root as App;
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    // Act
    const synth = () => app.synth();
    // Assess
    expect(synth).toThrow(/AwsSolutions-S10/);
    quiet.mockRestore();
  });

  it('passes once the same findings are acknowledged next to the bucket', () => {
    // Prepare
    const stack = badStack(true);
    // Act
    const found = findings(stack);
    // Assess
    expect(found).toEqual([]);
  });
});

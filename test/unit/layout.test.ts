// The house rules a reader relies on, checked: steps folders hold Lambda entries only, the CLI does not
// reach into the local stack, and every AWS SDK client is built through the one lazy idiom.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workflows } from '../../lib/workflows';

const ROOT = new URL('../../', import.meta.url).pathname;
function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}
const text = (f: string) => readFileSync(join(ROOT, f), 'utf8');

describe('repository layout', () => {
  it('keeps only the Lambda entries of lib/workflows.ts under functions/steps', () => {
    // Prepare
    const entries = new Set(workflows.flatMap((w) => w.steps.map((s) => s.handler)));
    // Act
    const strays = files('functions/steps').filter((f) => !entries.has(relative(ROOT, join(ROOT, f))));
    // Assess
    expect(entries.size).toBeGreaterThan(5);
    expect(strays).toEqual([]);
  });

  it('has the CLI import nothing from local/', () => {
    // Act
    const offenders = files('cli').filter((f) => /(from |import\()'(\.\.\/)+local\//.test(text(f)));
    // Assess
    expect(offenders).toEqual([]);
  });

  it('builds AWS SDK clients in the service adapters only, each through lazyClient', () => {
    // Act
    const building = files('functions').filter((f) =>
      /new (S3|SFN|DynamoDB|SecretsManager)Client\(/.test(text(f)),
    );
    const eager = building.filter((f) => !/lazyClient\(/.test(text(f)));
    // Assess
    expect(building.sort()).toEqual(
      [
        'functions/shared/credentials.ts',
        'functions/shared/dynamodb.ts',
        'functions/shared/s3.ts',
        'functions/shared/sfn.ts',
      ].sort(),
    );
    expect(eager).toEqual([]);
  });
});

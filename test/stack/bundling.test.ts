import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { builtinModules } from 'node:module';
import { pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HandlerFunction } from '../../lib/constructs/handler-function';
import { CDK_CONTEXT } from './stack-fixture';

// One real bundling synth (local esbuild, no Docker) of one API function, to prove the ESM bundle is
// what Lambda will load: a single minified index.mjs with the SDK inside, which imports and answers.

let outdir: string;
let bundle: string;
let code: string;

beforeAll(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'seedance-bundle-'));
  const app = new App({ outdir, context: CDK_CONTEXT });
  const stack = new Stack(app, 'BundleStack');
  new HandlerFunction(stack, 'GetAsset', {
    handler: 'functions/api/get-asset.ts',
    description: 'bundling test',
    environment: {},
    logRetentionDays: 1,
  });
  app.synth();
  const assetDir = fs.readdirSync(outdir).find((d) => d.startsWith('asset.'));
  bundle = path.join(outdir, assetDir ?? 'missing', 'index.mjs');
  code = fs.readFileSync(bundle, 'utf8');
}, 120_000);

afterAll(() => {
  fs.rmSync(outdir, { recursive: true, force: true });
});

describe('NodejsFunction bundle', () => {
  it('is one minified ESM file with the createRequire banner and no external imports but node built-ins', () => {
    // Prepare
    const imports = [...code.matchAll(/(?:^|[;}\s])import\s*(?:[\w*{}\s,$]+from\s*)?["']([^"']+)["']/g)].map(
      (m) => m[1],
    );
    // Act
    const external = imports.filter((m) => !m?.startsWith('node:') && !builtinModules.includes(m ?? ''));
    // Assess
    expect(code.startsWith("import { createRequire as __seedanceCreateRequire } from 'node:module';")).toBe(
      true,
    );
    expect(code).toMatch(/export\s*\{[^}]*\bhandler\b/);
    expect(external).toEqual([]);
    // Minified: the only line breaks left are inside template literals.
    expect(code.length / code.split('\n').length).toBeGreaterThan(1000);
    console.log(`bundle size: ${(fs.statSync(bundle).size / 1024).toFixed(0)} KiB`);
  });

  it('loads as a module and answers a request', async () => {
    // Prepare
    process.env.LOG_LEVEL = 'error';
    const mod = (await import(pathToFileURL(bundle).href)) as {
      handler: (e: unknown, c: unknown) => Promise<{ statusCode: number; body: string }>;
    };
    const event = {
      httpMethod: 'GET',
      resource: '/assets/{assetId}',
      pathParameters: { assetId: 'nope' },
      headers: {},
      requestContext: { requestId: 'r1' },
    };
    // Act
    const res = await mod.handler(event, { awsRequestId: 'l1' });
    // Assess
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({
      error: {
        code: 'ValidationError',
        details: [{ location: 'path', field: 'assetId', message: 'must be an asset ID (asset-...)' }],
      },
    });
  });

  it('answers zod/mini problems in English (mini loads no messages; functions/core/zod-messages.ts sets them)', async () => {
    // Prepare
    const mod = (await import(pathToFileURL(bundle).href)) as {
      handler: (e: unknown, c: unknown) => Promise<{ statusCode: number; body: string }>;
    };
    const event = {
      httpMethod: 'GET',
      resource: '/assets/{assetId}',
      pathParameters: { assetId: `asset-${'a'.repeat(200)}` },
      headers: {},
      requestContext: { requestId: 'r2' },
    };
    // Act
    const res = await mod.handler(event, { awsRequestId: 'l2' });
    // Assess
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({
      error: {
        details: [{ field: 'assetId', message: 'Too big: expected string to have <=128 characters' }],
      },
    });
  });
});

/**
 * One Lambda per handler module: nodejs24.x on arm64, bundled locally by the installed esbuild (no
 * Docker) into one minified ESM file. The AWS SDK is bundled too, not taken from the runtime: the
 * version the tests ran against is the one deployed (the runtime's copy moves on AWS's schedule, and
 * presigning behaviour such as checksum defaults has changed between minor versions), and a
 * tree-shaken, minified bundle loads faster than resolving the runtime's full SDK packages.
 * Each function gets its own role and log group; the role can only write to that log group (no
 * AWSLambdaBasicExecutionRole managed policy, whose logs:* statements name every log group).
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { RawConfig } from '../../functions/core/config';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Environment names the functions read (functions/core/config.ts), checked at compile time. */
export type FunctionEnv = Partial<
  Record<keyof RawConfig | 'POWERTOOLS_SERVICE_NAME' | 'POWERTOOLS_METRICS_NAMESPACE', string>
>;

/**
 * esbuild emits ESM, but some bundled CommonJS dependencies call `require` for Node built-ins; the
 * banner gives them one. Names are prefixed so they cannot clash with the bundle's own identifiers.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __seedanceCreateRequire } from 'node:module'; const require = __seedanceCreateRequire(import.meta.url);";

/**
 * Packages replaced in every Lambda bundle (esbuild `--alias`), each by a module whose header says why:
 * the SDK's default credential chain (profiles, SSO, web identity and the STS/SSO clients they need,
 * about 95 KiB of each bundle) by the environment credentials Lambda provides, and the event-stream
 * codec no call of this stack uses. The local stack and tests run the unbundled sources, SDK chain included.
 */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': path.join(REPO_ROOT, 'functions/shared/lambda-credential-provider.ts'),
  '@smithy/core/event-streams': path.join(REPO_ROOT, 'functions/shared/no-event-streams.ts'),
};

/**
 * When a synth skips bundling (tests pass `aws:cdk:bundling-stacks: []`), CDK would still fingerprint
 * the whole project directory, node_modules included, once per function; a hash of the entry path
 * stands in. Real synths hash the bundle output as usual.
 */
export function bundlingOptions(scope?: Construct, entry?: string): BundlingOptions {
  const skipHash =
    scope && entry && !Stack.of(scope).bundlingRequired
      ? { assetHash: createHash('sha256').update(entry).digest('hex') }
      : {};
  return {
    ...skipHash,
    format: OutputFormat.ESM,
    target: 'node24',
    platform: 'node',
    mainFields: ['module', 'main'],
    minify: true,
    sourceMap: false,
    externalModules: [],
    banner: ESM_REQUIRE_BANNER,
    forceDockerBundling: false,
    tsconfig: path.join(REPO_ROOT, 'tsconfig.json'),
    esbuildArgs: { '--alias': Object.entries(BUNDLE_ALIASES).map(([from, to]) => `${from}=${to}`) },
  };
}

export interface HandlerFunctionProps {
  /** Module path from the repository root, exporting `handler`. */
  handler: string;
  description: string;
  environment: FunctionEnv;
  timeoutSeconds?: number;
  memoryMb?: number;
  logRetentionDays: number;
}

export class HandlerFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.handler} execution role`,
    });
    this.logGroup.grantWrite(this.role);
    this.fn = new NodejsFunction(this, 'Function', {
      entry: path.join(REPO_ROOT, props.handler),
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memoryMb ?? 256,
      timeout: Duration.seconds(props.timeoutSeconds ?? 30),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.TEXT,
      environment: props.environment as Record<string, string>,
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      bundling: bundlingOptions(this, props.handler),
    });
  }
}

/** `functions/api/create-group.ts` → `CreateGroup`: stable construct IDs from module paths. */
export function idFromModule(modulePath: string): string {
  const base = path.basename(modulePath).replace(/\.[cm]?[jt]s$/, '');
  return base
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

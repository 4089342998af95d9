import { describe, expect, it } from 'vitest';
import type { WorkflowDef } from '../../lib/workflows';
import { routes } from '../../lib/routes';
import { videoBackstopSeconds } from '../../functions/core/video';
import { buildStack, logicalId, resourcesOf } from './stack-fixture';

// Stand-in step modules: any existing handler module will do, the stack only needs a file to point at.
const STAND_IN = 'functions/api/get-asset.ts';
const FEW_ROUTES = routes.filter((r) => r.path.startsWith('/groups') && !r.path.includes('uploads'));

describe('stack settings from CDK context', () => {
  it('imports an existing secret by ARN instead of creating one', () => {
    // Prepare
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:seedance-creds-AbCdEf';
    // Act
    const b = buildStack({ credentialsSecretArn: arn }, { routes: FEW_ROUTES });
    // Assess
    // Only the generated keys are created: the callback URL key and the webhook sealing key.
    const created = resourcesOf(b, 'AWS::SecretsManager::Secret');
    expect(
      created.map(([, p]) => (p.GenerateSecretString as { GenerateStringKey?: string }).GenerateStringKey),
    ).toEqual(['key', 'key']);
    const createGroup = b.stack.api.functions['functions/api/create-group.ts']!;
    const env = b.json.Resources[logicalId(createGroup.fn)]?.Properties?.Environment as {
      Variables: Record<string, unknown>;
    };
    expect(env.Variables.CREDENTIALS_SECRET_ID).toBe(arn);
    expect(JSON.stringify(b.json)).toContain(`"Resource":"${arn}"`);
  });

  it('hands the price table (an object in cdk.json), its currency and the longest usage range to the usage route', () => {
    // Prepare
    const usageRoutes = routes.filter((r) => r.path === '/usage');
    const priceTable = { 'seedance-2.0': { '720p': 7, '1080p': { base: 9, videoInput: 5 } } };
    // Act
    const b = buildStack(
      { priceTable, priceCurrency: 'USD', usageMaxRangeDays: '31' },
      { routes: usageRoutes },
    );
    // Assess
    const fn = b.stack.api.functions['functions/api/get-usage.ts']!;
    const env = b.json.Resources[logicalId(fn.fn)]?.Properties?.Environment as {
      Variables: Record<string, unknown>;
    };
    expect(JSON.parse(String(env.Variables.PRICE_TABLE))).toEqual(priceTable);
    expect(env.Variables).toMatchObject({ PRICE_CURRENCY: 'USD', USAGE_MAX_RANGE_DAYS: '31' });
  });

  it('fails the synth on a price table the functions would refuse', () => {
    expect(() => buildStack({ priceTable: { 'seedance-2.0': { '8k': 1 } } }, { routes: FEW_ROUTES })).toThrow(
      /PRICE_TABLE/,
    );
    expect(() => buildStack({ priceCurrency: 'dollars' }, { routes: FEW_ROUTES })).toThrow(/PRICE_CURRENCY/);
  });

  it('applies video retention, cleanup schedule, age, dry run, tag and project', () => {
    // Prepare
    const context = {
      videoRetentionDays: 90,
      cleanupSchedule: 'rate(12 hours)',
      cleanupMaxAgeDays: '45',
      cleanupDryRun: 'true',
      managedGroupTag: 'team-a',
      projectName: 'Avatars',
    };
    // Act
    const b = buildStack(context, { routes: FEW_ROUTES });
    // Assess
    b.template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(12 hours)' });
    const env = b.json.Resources[logicalId(b.stack.cleanup.fn.fn)]?.Properties?.Environment as {
      Variables: Record<string, unknown>;
    };
    expect(env.Variables).toMatchObject({
      CLEANUP_MAX_AGE_DAYS: '45',
      CLEANUP_DRY_RUN: 'true',
      MANAGED_GROUP_TAG: 'team-a',
      ARK_PROJECT_NAME: 'Avatars',
    });
    const rules = (
      b.json.Resources[logicalId(b.stack.storage.bucket)]?.Properties?.LifecycleConfiguration as {
        Rules: Array<Record<string, unknown>>;
      }
    ).Rules;
    expect(rules).toContainEqual(expect.objectContaining({ Prefix: 'videos/', ExpirationInDays: 90 }));
  });

  it('deletes the state table with the stack only when retainStateTable=false, and passes the record TTL', () => {
    // Act
    const kept = buildStack({}, { routes: FEW_ROUTES });
    const throwaway = buildStack({ retainStateTable: 'false', recordTtlDays: '30' }, { routes: FEW_ROUTES });
    // Assess
    const policy = (b: typeof kept) =>
      (b.json.Resources[logicalId(b.stack.stateTable.table)] as { DeletionPolicy?: string } | undefined)
        ?.DeletionPolicy;
    expect([policy(kept), policy(throwaway)]).toEqual(['Retain', 'Delete']);
    const env = throwaway.json.Resources[logicalId(throwaway.stack.cleanup.fn.fn)]?.Properties
      ?.Environment as {
      Variables: Record<string, unknown>;
    };
    expect(env.Variables.RECORD_TTL_DAYS).toBe('30');
  });

  it('ties the video execution backstop to the deadline setting instead of a fixed 25 h', () => {
    // Act
    const timeoutOf = (b: ReturnType<typeof buildStack>) => {
      const sm = b.json.Resources[logicalId(b.stack.workflows.video!.stateMachine)]?.Properties as {
        DefinitionString: unknown;
      };
      const m = /"TimeoutSeconds": (\d+)/.exec(JSON.stringify(sm.DefinitionString).replace(/\\"/g, '"'));
      return Number(m?.[1]);
    };
    const byDefault = buildStack({}, { routes: FEW_ROUTES });
    const longer = buildStack({ videoDeadlineSeconds: '7200' }, { routes: FEW_ROUTES });
    // Assess
    const t = { queueMaxWaitSeconds: 86_400, videoExecutionExpiresAfterSeconds: 172_800 };
    expect(timeoutOf(byDefault)).toBe(videoBackstopSeconds({ ...t, videoDeadlineSeconds: 3600 }));
    expect(timeoutOf(longer)).toBe(videoBackstopSeconds({ ...t, videoDeadlineSeconds: 7200 }));
    const env = longer.json.Resources[logicalId(longer.stack.cleanup.fn.fn)]?.Properties?.Environment as {
      Variables: Record<string, unknown>;
    };
    expect(env.Variables.VIDEO_DEADLINE_SECONDS).toBe('7200');
  });

  it('sends alarms to a configured topic and can leave the account CloudWatch role alone', () => {
    // Prepare
    const topic = 'arn:aws:sns:us-east-1:123456789012:ops';
    // Act
    const b = buildStack({ alarmTopicArn: topic, apiGatewayCloudWatchRole: 'false' }, { routes: FEW_ROUTES });
    // Assess
    for (const [, alarm] of resourcesOf(b, 'AWS::CloudWatch::Alarm'))
      expect(alarm.AlarmActions).toEqual([topic]);
    expect(resourcesOf(b, 'AWS::ApiGateway::Account')).toHaveLength(0);
  });

  it.each([
    [{ logRetentionDays: 42 }, /logRetentionDays/],
    [{ videoRetentionDays: 0 }, /videoRetentionDays/],
    [{ logLevel: 'loud' }, /logLevel/],
    [{ managedGroupTag: 'two words' }, /managed group tag/],
  ])('rejects invalid context %j at synth', (context, message) => {
    // Prepare
    const build = () => buildStack(context, { routes: FEW_ROUTES });
    // Act / Assess
    expect(build).toThrow(message);
  });
});

describe('workflows with any number of steps', () => {
  const wf = (name: WorkflowDef['name'], file: string, subs: string[]): WorkflowDef => ({
    name,
    definitionFile: `test/stack/fixtures/${file}`,
    steps: subs.map((substitution) => ({ substitution, handler: STAND_IN, access: ['upstream'] })),
  });

  it('wires three steps and the bucket placeholder, or none at all', () => {
    // Prepare
    const defs = [
      wf('ingest', 'no-steps.asl.json', []),
      wf('video', 'three-steps.asl.json', ['StepOneArn', 'StepTwoArn', 'StepThreeArn']),
    ];
    // Act
    const b = buildStack({}, { routes: FEW_ROUTES, workflows: defs });
    // Assess
    const video = b.stack.workflows.video!;
    const subs = b.json.Resources[logicalId(video.stateMachine)]?.Properties
      ?.DefinitionSubstitutions as Record<string, unknown>;
    expect(Object.keys(subs).sort()).toEqual(['BucketName', 'StepOneArn', 'StepThreeArn', 'StepTwoArn']);
    expect(Object.keys(b.stack.workflows.ingest!.steps)).toEqual([]);
  });

  it('fails synth when the ASL uses a placeholder nothing provides', () => {
    // Prepare
    const defs = [wf('ingest', 'unknown-placeholder.asl.json', [])];
    // Act
    const build = () =>
      buildStack(
        {},
        { routes: FEW_ROUTES.filter((r) => !r.access.some((a) => a.startsWith('video'))), workflows: defs },
      );
    // Assess
    expect(build).toThrow(/NobodyProvidesThisArn/);
  });

  it('fails synth when a route needs a state machine the stack does not have', () => {
    // Prepare
    const defs = [wf('ingest', 'no-steps.asl.json', [])];
    const needsVideo = routes.filter((r) => r.access.includes('video:start'));
    // Act
    const build = () => buildStack({}, { routes: needsVideo, workflows: defs });
    // Assess
    expect(build).toThrow(/video state machine/);
  });
});

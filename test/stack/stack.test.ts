import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Capability } from '../../lib/grants';
import { routeAuth, routes } from '../../lib/routes';
import { workflows } from '../../lib/workflows';
import {
  asArray,
  buildStack,
  logicalId,
  resourcesOf,
  statementsOfRole,
  type Built,
  type Statement,
} from './stack-fixture';

let b: Built;
beforeAll(() => {
  b = buildStack();
}, 120_000);

// ---- an independent statement of what each capability may do (not read from lib/grants.ts) ----

type Target =
  | { kind: 'secret' }
  | { kind: 'callback-key' }
  | { kind: 'webhook-key' }
  | { kind: 'event-bus' }
  | { kind: 'objects'; prefix: string }
  | { kind: 'bucket' }
  | { kind: 'machine'; wf: 'ingest' | 'video' | 'webhook' }
  | { kind: 'executions'; wf: 'ingest' | 'video' }
  | { kind: 'failed-events' }
  | { kind: 'webhook-failed-events' }
  | { kind: 'table' }
  | { kind: 'table-index'; index: string };
/** Capabilities from the tables, plus what CDK grants for the trigger's async-failure destination. */
type Grant = Capability | 'trigger:failed-events' | 'fanout:failed-events';
const INDEX_NAMES = ['byCreated', 'byStatus', 'byGroup', 'byOutbox'];
const SPEC: Record<Grant, Array<{ actions: string[]; target: Target }>> = {
  upstream: [
    {
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      target: { kind: 'secret' },
    },
  ],
  'bucket:presign-upload': [{ actions: ['s3:PutObject'], target: { kind: 'objects', prefix: 'incoming/' } }],
  'bucket:read-videos': [{ actions: ['s3:GetObject'], target: { kind: 'objects', prefix: 'videos/' } }],
  'bucket:idempotency': [
    {
      actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      target: { kind: 'objects', prefix: 'idempotency/' },
    },
    { actions: ['s3:ListBucket'], target: { kind: 'bucket' } },
  ],
  'bucket:read-replaced': [
    { actions: ['s3:GetObject'], target: { kind: 'objects', prefix: 'quarantine/' } },
    { actions: ['s3:ListBucket'], target: { kind: 'bucket' } },
  ],
  'bucket:read-incoming': [
    { actions: ['s3:GetObject'], target: { kind: 'objects', prefix: 'incoming/' } },
    { actions: ['s3:ListBucket'], target: { kind: 'bucket' } },
  ],
  'bucket:quarantine': [
    { actions: ['s3:GetObject', 's3:DeleteObject'], target: { kind: 'objects', prefix: 'incoming/' } },
    { actions: ['s3:PutObject', 's3:GetObject'], target: { kind: 'objects', prefix: 'quarantine/' } },
    { actions: ['s3:ListBucket'], target: { kind: 'bucket' } },
  ],
  'bucket:pin-validated': [{ actions: ['s3:PutObject'], target: { kind: 'objects', prefix: 'validated/' } }],
  'bucket:presign-validated': [
    { actions: ['s3:GetObject'], target: { kind: 'objects', prefix: 'validated/' } },
  ],
  'bucket:quarantine-replacement': [
    { actions: ['s3:GetObject'], target: { kind: 'objects', prefix: 'validated/' } },
    { actions: ['s3:GetObject', 's3:DeleteObject'], target: { kind: 'objects', prefix: 'incoming/' } },
    { actions: ['s3:PutObject'], target: { kind: 'objects', prefix: 'quarantine/' } },
    { actions: ['s3:ListBucket'], target: { kind: 'bucket' } },
  ],
  'bucket:write-videos': [
    {
      actions: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:GetObject'],
      target: { kind: 'objects', prefix: 'videos/' },
    },
  ],
  'records:read': [
    { actions: ['dynamodb:GetItem', 'dynamodb:Query'], target: { kind: 'table' } },
    ...INDEX_NAMES.map((index) => ({
      actions: ['dynamodb:GetItem', 'dynamodb:Query'],
      target: { kind: 'table-index' as const, index },
    })),
  ],
  'records:write': [
    {
      actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem'],
      target: { kind: 'table' },
    },
    // A write that moves a job publishes its event.
    { actions: ['events:PutEvents'], target: { kind: 'event-bus' } },
  ],
  'records:usage': [{ actions: ['dynamodb:Query'], target: { kind: 'table-index', index: 'byCreated' } }],
  'budget:use': [{ actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], target: { kind: 'table' } }],
  'ingest:start': [{ actions: ['states:StartExecution'], target: { kind: 'machine', wf: 'ingest' } }],
  'ingest:status': [{ actions: ['states:DescribeExecution'], target: { kind: 'executions', wf: 'ingest' } }],
  'ingest:list': [
    { actions: ['states:ListExecutions'], target: { kind: 'machine', wf: 'ingest' } },
    { actions: ['states:DescribeExecution'], target: { kind: 'executions', wf: 'ingest' } },
  ],
  'video:start': [{ actions: ['states:StartExecution'], target: { kind: 'machine', wf: 'video' } }],
  'video:list-describe': [
    { actions: ['states:ListExecutions'], target: { kind: 'machine', wf: 'video' } },
    { actions: ['states:DescribeExecution'], target: { kind: 'executions', wf: 'video' } },
  ],
  'video:stop': [{ actions: ['states:StopExecution'], target: { kind: 'executions', wf: 'video' } }],
  'video:task-response': [
    {
      actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
      target: { kind: 'machine', wf: 'video' },
    },
  ],
  'callback:verify': [{ actions: ['secretsmanager:GetSecretValue'], target: { kind: 'callback-key' } }],
  'callback:sign': [{ actions: ['secretsmanager:GetSecretValue'], target: { kind: 'callback-key' } }],
  'webhook:seal': [{ actions: ['secretsmanager:GetSecretValue'], target: { kind: 'webhook-key' } }],
  'webhook:deliver': [{ actions: ['states:StartExecution'], target: { kind: 'machine', wf: 'webhook' } }],
  'fanout:failed-events': [
    {
      actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
      target: { kind: 'webhook-failed-events' },
    },
  ],
  'trigger:failed-events': [
    {
      actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
      target: { kind: 'failed-events' },
    },
  ],
};

interface FunctionUnderTest {
  label: string;
  fn: NodejsFunction;
  logGroupId: string;
  caps: Grant[];
}

function functionsUnderTest(): FunctionUnderTest[] {
  const out: FunctionUnderTest[] = [];
  for (const [module, h] of Object.entries(b.stack.api.functions)) {
    const caps = routes.filter((r) => r.handler === module).flatMap((r) => r.access);
    out.push({ label: module, fn: h.fn, logGroupId: logicalId(h.logGroup), caps });
  }
  for (const wf of workflows)
    for (const step of wf.steps) {
      const h = b.stack.workflows[wf.name]?.steps[step.substitution];
      if (h)
        out.push({ label: step.handler, fn: h.fn, logGroupId: logicalId(h.logGroup), caps: step.access });
    }
  const trigger = b.stack.uploadTrigger?.fn;
  if (trigger)
    out.push({
      label: 'upload trigger',
      fn: trigger.fn,
      logGroupId: logicalId(trigger.logGroup),
      caps: [
        'ingest:start',
        'ingest:status',
        'bucket:quarantine-replacement',
        'records:write',
        'trigger:failed-events',
      ],
    });
  const ended = b.stack.executionEnded?.fn;
  if (ended)
    out.push({
      label: 'execution ended',
      fn: ended.fn,
      logGroupId: logicalId(ended.logGroup),
      caps: ['records:write'],
    });
  const hooks = b.stack.webhooks;
  if (hooks) {
    out.push({
      label: 'webhook fan-out',
      fn: hooks.fanOut.fn,
      logGroupId: logicalId(hooks.fanOut.logGroup),
      caps: ['records:read', 'records:write', 'webhook:deliver'],
    });
    out.push({
      label: 'outbox sweep',
      fn: hooks.sweep.fn,
      logGroupId: logicalId(hooks.sweep.logGroup),
      caps: ['records:read', 'records:write'],
    });
  }
  const cleanup = b.stack.cleanup.fn;
  out.push({
    label: 'cleanup',
    fn: cleanup.fn,
    logGroupId: logicalId(cleanup.logGroup),
    caps: ['upstream', 'ingest:list', 'video:list-describe'],
  });
  return out;
}

function matches(resource: unknown, target: Target): boolean {
  const s = JSON.stringify(resource);
  const bucketId = logicalId(b.stack.storage.bucket);
  const smId = (wf: 'ingest' | 'video' | 'webhook') => logicalId(b.stack.workflows[wf]!.stateMachine);
  switch (target.kind) {
    case 'secret':
      return s === JSON.stringify({ Ref: logicalId(b.stack.credentials.secret) });
    case 'callback-key':
      return s === JSON.stringify({ Ref: logicalId(b.stack.callbackKey.secret) });
    case 'webhook-key':
      return s === JSON.stringify({ Ref: logicalId(b.stack.webhookKey.secret) });
    case 'webhook-failed-events':
      return s === JSON.stringify({ 'Fn::GetAtt': [logicalId(b.stack.webhooks!.failedEvents), 'Arn'] });
    case 'event-bus':
      return s === JSON.stringify({ 'Fn::GetAtt': [logicalId(b.stack.eventBus.bus), 'Arn'] });
    case 'bucket':
      return s === JSON.stringify({ 'Fn::GetAtt': [bucketId, 'Arn'] });
    case 'objects':
      return (
        s ===
        JSON.stringify({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, `/${target.prefix}*`]] })
      );
    case 'machine':
      return s === JSON.stringify({ Ref: smId(target.wf) });
    case 'failed-events':
      return s === JSON.stringify({ 'Fn::GetAtt': [logicalId(b.stack.uploadTrigger!.failedEvents), 'Arn'] });
    case 'table':
      return s === JSON.stringify({ 'Fn::GetAtt': [logicalId(b.stack.stateTable.table), 'Arn'] });
    case 'table-index':
      return (
        s ===
        JSON.stringify({
          'Fn::Join': [
            '',
            [{ 'Fn::GetAtt': [logicalId(b.stack.stateTable.table), 'Arn'] }, `/index/${target.index}`],
          ],
        })
      );
    case 'executions':
      return (
        s.includes(':execution:') &&
        s.includes(JSON.stringify({ 'Fn::GetAtt': [smId(target.wf), 'Name'] })) &&
        s.endsWith(':*"]]}')
      );
  }
}

function allowedPairs(f: FunctionUnderTest) {
  const logRule = { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], target: f.logGroupId };
  return { rules: f.caps.flatMap((c) => SPEC[c]), logRule };
}

describe('API Gateway', () => {
  it('has one method per route, every one AWS_IAM but the public ones', () => {
    // Prepare
    const methods = resourcesOf(b, 'AWS::ApiGateway::Method');
    // Act
    const byName = new Map(methods.map(([, p]) => [p.OperationName as string, p]));
    const open = methods.filter(([, p]) => p.AuthorizationType !== 'AWS_IAM');
    // Assess
    expect(methods).toHaveLength(routes.length);
    for (const r of routes) {
      expect(byName.get(r.name), r.name).toMatchObject({
        HttpMethod: r.method,
        AuthorizationType: routeAuth(r) === 'none' ? 'NONE' : 'AWS_IAM',
      });
    }
    expect(open.map(([, p]) => p.OperationName).sort()).toEqual(['arkCallback', 'realPersonCallback']);
  });

  it('gives each public route its own tight throttle on the stage', () => {
    // Act
    const [stage] = resourcesOf(b, 'AWS::ApiGateway::Stage');
    const settings = (stage?.[1].MethodSettings ?? []) as Array<Record<string, unknown>>;
    // Assess
    expect(settings).toContainEqual(
      expect.objectContaining({
        HttpMethod: 'GET',
        ResourcePath: '/~1real-person~1callback',
        ThrottlingRateLimit: 5,
        ThrottlingBurstLimit: 10,
      }),
    );
  });

  it('throttles the public callback route far below the stage', () => {
    // Prepare
    const stage = resourcesOf(b, 'AWS::ApiGateway::Stage')[0]?.[1];
    // Act
    const settings = asArray(stage?.MethodSettings as Array<Record<string, unknown>>);
    const callback = settings.find((m) => m.ResourcePath === '/~1callbacks~1ark~1{videoId}');
    const all = settings.find((m) => m.ResourcePath === '/*');
    // Assess
    expect(callback).toMatchObject({ HttpMethod: 'POST', ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 });
    expect(Number(all?.ThrottlingRateLimit)).toBeGreaterThanOrEqual(20);
  });

  it('validates path parameters and requires a JSON object on POST', () => {
    // Prepare
    const methods = resourcesOf(b, 'AWS::ApiGateway::Method');
    // Act
    const withParams = methods.filter(
      ([, p]) => Object.keys((p.RequestParameters as object | undefined) ?? {}).length,
    );
    // Assess
    b.template.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
      ValidateRequestBody: true,
      ValidateRequestParameters: true,
    });
    expect(withParams.length).toBe(routes.filter((r) => r.path.includes('{')).length);
    for (const [, p] of methods.filter(
      ([, m]) => m.HttpMethod === 'POST' && m.AuthorizationType === 'AWS_IAM',
    ))
      expect(p.RequestModels).toEqual({ 'application/json': expect.anything() });
  });

  it('throttles the stage, writes JSON access logs, never logs bodies', () => {
    // Prepare
    const stage = resourcesOf(b, 'AWS::ApiGateway::Stage')[0]?.[1];
    // Act
    const settings = asArray(stage?.MethodSettings as Array<Record<string, unknown>>)[0];
    // Assess
    expect(stage).toMatchObject({ StageName: 'v1', TracingEnabled: true });
    expect((stage?.AccessLogSetting as { Format: string }).Format).toContain(
      '"requestId":"$context.requestId"',
    );
    expect(settings).toMatchObject({
      ThrottlingRateLimit: 20,
      ThrottlingBurstLimit: 40,
      LoggingLevel: 'ERROR',
      DataTraceEnabled: false,
    });
  });

  it('answers gateway errors in the JSON envelope', () => {
    // Prepare
    const responses = resourcesOf(b, 'AWS::ApiGateway::GatewayResponse');
    // Act
    const bodies = responses.map(([, p]) => {
      const template = (p.ResponseTemplates as Record<string, string>)['application/json'] ?? '';
      return [
        p.ResponseType,
        JSON.parse(template.replace('$context.error.messageString', '"a message"')),
      ] as const;
    });
    // Assess
    const types = bodies.map(([t]) => t);
    expect(types).toEqual(
      expect.arrayContaining(['DEFAULT_4XX', 'DEFAULT_5XX', 'ACCESS_DENIED', 'THROTTLED']),
    );
    for (const [, body] of bodies)
      expect(body).toEqual({ error: { code: expect.any(String), message: 'a message' } });
  });
});

describe('IAM', () => {
  it('no statement anywhere has a wildcard action', () => {
    // Prepare
    const statements: Statement[] = [];
    for (const [, p] of resourcesOf(b, 'AWS::IAM::Policy'))
      statements.push(...asArray((p.PolicyDocument as { Statement: Statement[] }).Statement));
    for (const [, r] of resourcesOf(b, 'AWS::IAM::Role'))
      for (const p of asArray(r.Policies as Array<{ PolicyDocument: { Statement: Statement[] } }>))
        statements.push(...asArray(p.PolicyDocument.Statement));
    // Act
    const wildcard = statements.flatMap((s) => asArray(s.Action)).filter((a) => a.includes('*'));
    // Assess
    expect(statements.length).toBeGreaterThanOrEqual(20);
    expect(wildcard).toEqual([]);
  });

  it("each function's policy names only what its declared access needs, and all of it", () => {
    // Prepare
    const fns = functionsUnderTest();
    const expectedCount =
      new Set(routes.map((r) => r.handler)).size + workflows.reduce((n, w) => n + w.steps.length, 0) + 5;
    // Act
    const problems: string[] = [];
    for (const f of fns) {
      const roleId = logicalId(f.fn.role!);
      const { rules, logRule } = allowedPairs(f);
      const granted = new Set<string>();
      for (const st of statementsOfRole(b, roleId)) {
        expect(st.Effect).toBe('Allow');
        for (const action of asArray(st.Action))
          for (const resource of asArray(st.Resource)) {
            const isLog =
              logRule.actions.includes(action) &&
              JSON.stringify(resource) === JSON.stringify({ 'Fn::GetAtt': [logRule.target, 'Arn'] });
            const rule = rules.find((r) => r.actions.includes(action) && matches(resource, r.target));
            if (!isLog && !rule) problems.push(`${f.label}: ${action} on ${JSON.stringify(resource)}`);
            granted.add(action);
          }
      }
      for (const r of rules)
        for (const a of r.actions) if (!granted.has(a)) problems.push(`${f.label}: lacks ${a}`);
    }
    // Assess
    expect(fns).toHaveLength(expectedCount);
    expect(problems).toEqual([]);
  });

  it('lets the usage route Query only the creation-time index, and only the ledger attributes', () => {
    // Prepare
    const usage = b.stack.api.functions['functions/api/get-usage.ts'];
    // Act
    const statements = statementsOfRole(b, logicalId(usage!.fn.role!)).filter((st) =>
      asArray(st.Action).some((a) => a.startsWith('dynamodb:')),
    );
    // Assess
    expect(statements).toHaveLength(1);
    expect(asArray(statements[0]?.Action)).toEqual(['dynamodb:Query']);
    expect(statements[0]?.Condition).toEqual({
      'ForAllValues:StringEquals': {
        'dynamodb:Attributes': ['pk', 'kind', 'createdKey', 'id', 'createdAt', 'caller', 'usage'],
      },
      StringEquals: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
    });
  });

  it('lets each state machine invoke exactly its own step functions', () => {
    // Prepare
    const checks = workflows.map((wf) => {
      const w = b.stack.workflows[wf.name]!;
      const stepIds = Object.values(w.steps).map((s) => logicalId(s.fn));
      const statements = statementsOfRole(b, logicalId(w.stateMachine.role));
      return { stepIds, statements };
    });
    // Act
    const invoked = checks.map(({ statements }) =>
      statements
        .filter((s) => asArray(s.Action).includes('lambda:InvokeFunction'))
        .flatMap((s) => asArray(s.Resource))
        .map((r) => (r as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0])
        .sort(),
    );
    // Assess
    checks.forEach(({ stepIds }, i) => expect(invoked[i]).toEqual([...stepIds].sort()));
  });
});

describe('state table', () => {
  it('is on demand, with point-in-time recovery, TTL, encryption, the list indexes, and retained', () => {
    // Prepare
    const tables = resourcesOf(b, 'AWS::DynamoDB::Table');
    // Act
    const [id, props] = tables[0] ?? [];
    const raw = b.template.toJSON().Resources[id ?? ''] as {
      DeletionPolicy?: string;
      UpdateReplacePolicy?: string;
    };
    // Assess
    expect(tables).toHaveLength(1);
    expect(props).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'purgeAt', Enabled: true },
      SSESpecification: { SSEEnabled: true },
    });
    const indexes = (props?.GlobalSecondaryIndexes as Array<{ IndexName: string }>).map((i) => i.IndexName);
    expect(indexes.sort()).toEqual([...INDEX_NAMES].sort());
    expect(raw).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('no API function role may read the Step Functions control plane', () => {
    // Prepare
    const forbidden = ['states:DescribeExecution', 'states:GetExecutionHistory', 'states:ListExecutions'];
    const apiFns = Object.entries(b.stack.api.functions);
    // Act
    const held = apiFns.flatMap(([module, h]) =>
      statementsOfRole(b, logicalId(h.fn.role!))
        .flatMap((st) => asArray(st.Action))
        .filter((a) => forbidden.includes(a))
        .map((a) => `${module}: ${a}`),
    );
    // Assess
    expect(apiFns.length).toBe(new Set(routes.map((r) => r.handler)).size);
    expect(held).toEqual([]);
  });

  it('records the end of both state machines through an EventBridge rule with a dead-letter queue', () => {
    // Prepare
    const rules = resourcesOf(b, 'AWS::Events::Rule').filter(
      ([, p]) => (p.EventPattern as { source?: string[] } | undefined)?.source?.[0] === 'aws.states',
    );
    // Act
    const pattern = rules[0]?.[1].EventPattern as {
      detail: { status: string[]; stateMachineArn: unknown[] };
    };
    const target = asArray(rules[0]?.[1].Targets as Array<Record<string, unknown>>)[0];
    // Assess
    expect(rules).toHaveLength(1);
    expect(pattern.detail.status.sort()).toEqual(['ABORTED', 'FAILED', 'SUCCEEDED', 'TIMED_OUT']);
    expect(pattern.detail.stateMachineArn).toHaveLength(2);
    expect(target).toMatchObject({ DeadLetterConfig: { Arn: expect.anything() } });
  });
});

describe('Lambda functions', () => {
  it('run nodejs24.x on arm64 with the ESM handler', () => {
    // Prepare
    const ours = resourcesOf(b, 'AWS::Lambda::Function').filter(([, p]) =>
      String(p.Runtime).startsWith('nodejs'),
    );
    // Act
    const shapes = new Set(ours.map(([, p]) => JSON.stringify([p.Runtime, p.Architectures, p.Handler])));
    // Assess
    expect(ours.length).toBe(functionsUnderTest().length);
    expect([...shapes]).toEqual([JSON.stringify(['nodejs24.x', ['arm64'], 'index.handler'])]);
  });

  it('configure every function with the project and the managed-group tag', () => {
    // Prepare
    const fns = functionsUnderTest();
    // Act
    const envs = fns.map(
      (f) => b.template.toJSON().Resources[logicalId(f.fn)].Properties.Environment.Variables,
    );
    // Assess
    for (const env of envs)
      expect(env).toMatchObject({ ARK_PROJECT_NAME: 'default', MANAGED_GROUP_TAG: 'TestStack' });
  });
});

describe('storage', () => {
  it('keeps the media bucket private, encrypted, TLS-only, logged, with lifecycle rules and CORS for POST', () => {
    // Prepare
    const bucketId = logicalId(b.stack.storage.bucket);
    // Act
    const bucket = b.json.Resources[bucketId]?.Properties;
    // Assess
    expect(bucket).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      LoggingConfiguration: { DestinationBucketName: { Ref: logicalId(b.stack.storage.logBucket) } },
      CorsConfiguration: { CorsRules: [expect.objectContaining({ AllowedMethods: ['POST'] })] },
    });
    const rules = (bucket?.LifecycleConfiguration as { Rules: Array<Record<string, unknown>> }).Rules;
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Prefix: 'incoming/', ExpirationInDays: 1 }),
        expect.objectContaining({ Prefix: 'quarantine/', ExpirationInDays: 7 }),
        expect.objectContaining({ Prefix: 'videos/', ExpirationInDays: 30 }),
        expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
      ]),
    );
    expect(bucket?.VersioningConfiguration).toBeUndefined();
  });

  it('denies every non-TLS request on both buckets', () => {
    // Prepare
    const policies = resourcesOf(b, 'AWS::S3::BucketPolicy');
    // Act
    const denying = policies.filter(([, p]) =>
      asArray((p.PolicyDocument as { Statement: Statement[] }).Statement).some(
        (s) =>
          s.Effect === 'Deny' &&
          JSON.stringify(s.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }) &&
          JSON.stringify(s.Principal) === JSON.stringify({ AWS: '*' }) &&
          asArray(s.Action).includes('s3:*'),
      ),
    );
    // Assess
    const buckets = denying.map(([, p]) => JSON.stringify(p.Bucket));
    expect(buckets).toEqual(
      expect.arrayContaining([
        JSON.stringify({ Ref: logicalId(b.stack.storage.bucket) }),
        JSON.stringify({ Ref: logicalId(b.stack.storage.logBucket) }),
      ]),
    );
  });

  it('starts the ingest workflow on ObjectCreated under incoming/ only', () => {
    // Prepare
    const notifications = resourcesOf(b, 'Custom::S3BucketNotifications');
    // Act
    const config = notifications[0]?.[1].NotificationConfiguration as {
      LambdaFunctionConfigurations: Array<Record<string, unknown>>;
    };
    // Assess
    expect(config.LambdaFunctionConfigurations).toEqual([
      {
        Events: ['s3:ObjectCreated:*'],
        Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'incoming/' }] } },
        LambdaFunctionArn: { 'Fn::GetAtt': [logicalId(b.stack.uploadTrigger!.fn.fn), 'Arn'] },
      },
    ]);
  });
});

describe('state machines', () => {
  it('are Standard, traced, logged under /aws/vendedlogs/states without execution data', () => {
    // Prepare
    const machines = resourcesOf(b, 'AWS::StepFunctions::StateMachine');
    // Act
    const logGroups = workflows.map(
      (wf) => b.json.Resources[logicalId(b.stack.workflows[wf.name]!.logGroup)],
    );
    // Assess
    expect(machines).toHaveLength(workflows.length);
    for (const [, p] of machines)
      expect(p).toMatchObject({
        StateMachineType: 'STANDARD',
        TracingConfiguration: { Enabled: true },
        LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
      });
    for (const lg of logGroups)
      expect(String(lg?.Properties?.LogGroupName)).toMatch(
        /^\/aws\/vendedlogs\/states\/TestStack-(ingest|video|webhook)$/,
      );
  });

  it("substitute each step's placeholder with its own function ARN", () => {
    // Prepare
    const expected = workflows.map((wf) => {
      const w = b.stack.workflows[wf.name]!;
      const subs: Record<string, unknown> = { BucketName: { Ref: logicalId(b.stack.storage.bucket) } };
      for (const step of wf.steps)
        subs[step.substitution] = { 'Fn::GetAtt': [logicalId(w.steps[step.substitution]!.fn), 'Arn'] };
      return [logicalId(w.stateMachine), subs] as const;
    });
    // Act
    const actual = expected.map(([id]) => b.json.Resources[id]?.Properties?.DefinitionSubstitutions);
    // Assess
    expected.forEach(([, subs], i) => expect(actual[i]).toEqual(subs));
  });

  it('raise alarms on failed and timed-out executions', () => {
    // Prepare
    const alarms = resourcesOf(b, 'AWS::CloudWatch::Alarm');
    // Act
    const metrics = alarms.map(([, p]) => `${p.Namespace}/${p.MetricName}`);
    // Assess
    expect(metrics.filter((m) => m === 'AWS/States/ExecutionsFailed')).toHaveLength(workflows.length);
    expect(metrics.filter((m) => m === 'AWS/States/ExecutionsTimedOut')).toHaveLength(workflows.length);
  });
});

describe('cleanup schedule and secret', () => {
  it('runs the cleanup daily by default with the configured age', () => {
    // Prepare
    const cleanupId = logicalId(b.stack.cleanup.fn.fn);
    // Act
    const rule = resourcesOf(b, 'AWS::Events::Rule')[0]?.[1];
    const env = b.template.toJSON().Resources[cleanupId].Properties.Environment.Variables;
    // Assess
    expect(rule).toMatchObject({
      ScheduleExpression: 'cron(0 3 * * ? *)',
      Targets: [expect.objectContaining({ Arn: { 'Fn::GetAtt': [cleanupId, 'Arn'] } })],
    });
    expect(env).toMatchObject({ CLEANUP_MAX_AGE_DAYS: '30', CLEANUP_DRY_RUN: 'false' });
  });

  it('creates the credentials secret with the expected JSON keys', () => {
    // Prepare
    const secrets = resourcesOf(b, 'AWS::SecretsManager::Secret');
    // Act
    const generated = secrets.map(
      ([, p]) => p.GenerateSecretString as { SecretStringTemplate: string; GenerateStringKey: string },
    );
    const generate = generated.find((g) => g.GenerateStringKey === 'apiToken');
    // Assess: the credentials, the callback URL key and the webhook sealing key
    expect(secrets).toHaveLength(3);
    expect(generated.map((g) => g.GenerateStringKey).sort()).toEqual(['apiToken', 'key', 'key']);
    if (!generate) throw new Error('no credentials secret');
    expect(Object.keys(JSON.parse(generate.SecretStringTemplate))).toEqual([
      'accessKeyId',
      'secretAccessKey',
    ]);
    expect(generate.GenerateStringKey).toBe('apiToken');
  });
});

describe('upload trigger', () => {
  it('sends an event that still fails after two async retries to an alarmed queue, never drops it', () => {
    // Prepare
    const queueId = logicalId(b.stack.uploadTrigger!.failedEvents);
    // Assess
    b.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
    b.template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    b.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
    });
  });
});

describe('event bus', () => {
  it('is a custom bus with a 30-day archive of our events, and every record writer may publish on it', () => {
    // Prepare
    const buses = resourcesOf(b, 'AWS::Events::EventBus');
    const archives = resourcesOf(b, 'AWS::Events::Archive');
    // Act
    const writers = functionsUnderTest().filter((f) => f.caps.includes('records:write'));
    // Assess
    expect(buses).toHaveLength(1);
    expect(archives[0]?.[1]).toMatchObject({
      RetentionDays: 30,
      EventPattern: { source: ['seedance-stack'] },
    });
    expect(writers.length).toBeGreaterThan(5);
    for (const w of writers) {
      const env = b.json.Resources[logicalId(w.fn)]?.Properties?.Environment as {
        Variables: Record<string, unknown>;
      };
      expect(env.Variables.EVENT_BUS_NAME, w.label).toEqual({ Ref: logicalId(b.stack.eventBus.bus) });
    }
  });
});

describe('webhooks', () => {
  it('fans every event of ours out from the bus to a Lambda with retries and an alarmed dead-letter queue', () => {
    // Prepare
    const hooks = b.stack.webhooks!;
    const rules = resourcesOf(b, 'AWS::Events::Rule').filter(
      ([, p]) => JSON.stringify(p.EventBusName) === JSON.stringify({ Ref: logicalId(b.stack.eventBus.bus) }),
    );
    // Act
    const target = asArray(rules[0]?.[1].Targets as Array<Record<string, unknown>>)[0];
    const queueId = logicalId(hooks.failedEvents);
    // Assess
    expect(rules).toHaveLength(1);
    expect(rules[0]?.[1].EventPattern).toEqual({ source: ['seedance-stack'] });
    expect(target).toMatchObject({
      Arn: { 'Fn::GetAtt': [logicalId(hooks.fanOut.fn), 'Arn'] },
      RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86_400 },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
    });
    b.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
    });
  });

  it('delivers with its own state machine whose dead letters end in a Fail state that raises an alarm', () => {
    // Prepare
    const sm = b.stack.workflows.webhook!.stateMachine;
    const raw = b.json.Resources[logicalId(sm)]?.Properties as Record<string, unknown>;
    // Act
    const text = raw.DefinitionString;
    const definition = JSON.parse(
      typeof text === 'string'
        ? text
        : (text as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1]
            .map((p) => (typeof p === 'string' ? p : 'ARN'))
            .join(''),
    ) as { TimeoutSeconds: number; States: Record<string, Record<string, unknown>> };
    const alarms = resourcesOf(b, 'AWS::CloudWatch::Alarm').filter(
      ([, p]) => p.MetricName === 'ExecutionsFailed' && JSON.stringify(p.Dimensions).includes(logicalId(sm)),
    );
    // Assess
    expect(raw.StateMachineType).toBe('STANDARD');
    expect(definition.States.DeadLetter).toMatchObject({ Type: 'Fail', Error: 'WebhookDeadLetter' });
    expect(definition.States.WaitForNextAttempt).toMatchObject({
      Type: 'Wait',
      TimestampPath: '$.next.waitUntil',
    });
    expect(definition.TimeoutSeconds).toBe(5 * 86_400);
    expect(alarms).toHaveLength(1);
    expect(alarms[0]?.[1].AlarmDescription).toMatch(/dead letter/);
  });

  it('sweeps the outbox every minute and keeps delivery executions out of the job-end rule', () => {
    // Prepare
    const sweepId = logicalId(b.stack.webhooks!.sweep.fn);
    const rules = resourcesOf(b, 'AWS::Events::Rule');
    // Act
    const schedule = rules.find(([, p]) => JSON.stringify(p.Targets).includes(sweepId))?.[1];
    const ends = rules.find(
      ([, p]) => (p.EventPattern as { source?: string[] } | undefined)?.source?.[0] === 'aws.states',
    )?.[1];
    // Assess
    expect(schedule).toMatchObject({ ScheduleExpression: 'rate(1 minute)' });
    expect(JSON.stringify(ends?.EventPattern)).not.toContain(
      logicalId(b.stack.workflows.webhook!.stateMachine),
    );
  });
});

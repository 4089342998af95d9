/**
 * The REST API built from lib/routes.ts: one Lambda per handler module, AWS_IAM (SigV4) on every
 * method but the public `auth: 'none'` ones (throttled per method), a request validator for the path
 * parameters, JSON access logs, stage throttling, and gateway
 * errors (auth, throttling, timeouts) in the same `{"error":{code,message}}` envelope as the handlers.
 * At the edge the validator checks path parameters and that a POST body is a JSON object; the field
 * rules stay in the handlers' zod schemas on purpose: API Gateway's model validator can only answer
 * "Invalid request body" (its detail string is not JSON-safe), while the handlers answer 400
 * ValidationError with one entry per field, and one set of rules cannot drift from another.
 */
import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { grantCapabilities, type GrantTargets } from '../grants';
import {
  API_HANDLER_TIMEOUT_SECONDS,
  isPublicRoute,
  publicThrottle,
  type Access,
  type Route,
} from '../routes';
import type { ApiErrorCode } from '../../functions/core/errors';
import { HandlerFunction, idFromModule, type FunctionEnv } from './handler-function';

export interface ApiProps {
  routes: readonly Route[];
  targets: GrantTargets;
  environment: FunctionEnv;
  logRetentionDays: number;
  throttleRateLimit: number;
  throttleBurstLimit: number;
  /** Let this stack set the account's API Gateway CloudWatch role (needed for stage logs). */
  cloudWatchRole: boolean;
  /** API Gateway's integration limit is 29 s; the handler must answer first. */
  handlerTimeoutSeconds?: number;
}

/** The stage every URL is under. */
export const API_STAGE = 'v1';

/** Gateway-generated errors, answered in the handlers' envelope with codes from the catalogue (functions/core/errors.ts). */
export const GATEWAY_ERRORS: ReadonlyArray<{
  type: apigw.ResponseType;
  code: ApiErrorCode;
  status?: string;
}> = [
  { type: apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN, code: 'MissingAuthenticationToken' },
  { type: apigw.ResponseType.INVALID_SIGNATURE, code: 'InvalidSignature' },
  { type: apigw.ResponseType.EXPIRED_TOKEN, code: 'ExpiredToken' },
  { type: apigw.ResponseType.ACCESS_DENIED, code: 'AccessDenied' },
  { type: apigw.ResponseType.BAD_REQUEST_PARAMETERS, code: 'ValidationError' },
  { type: apigw.ResponseType.BAD_REQUEST_BODY, code: 'ValidationError' },
  { type: apigw.ResponseType.REQUEST_TOO_LARGE, code: 'RequestTooLarge' },
  { type: apigw.ResponseType.THROTTLED, code: 'Throttled' },
  { type: apigw.ResponseType.QUOTA_EXCEEDED, code: 'QuotaExceeded' },
  { type: apigw.ResponseType.INTEGRATION_TIMEOUT, code: 'IntegrationTimeout' },
  { type: apigw.ResponseType.DEFAULT_4XX, code: 'BadRequest' },
  { type: apigw.ResponseType.DEFAULT_5XX, code: 'InternalError' },
];

function errorTemplate(code: string): string {
  // messageString is already a quoted, escaped JSON string.
  return `{"error":{"code":"${code}","message":$context.error.messageString}}`;
}

export function pathParameters(path: string): string[] {
  return [...path.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1] ?? '');
}

export class Api extends Construct {
  readonly restApi: apigw.RestApi;
  readonly accessLogs: logs.LogGroup;
  /** By handler module path. */
  readonly functions: Record<string, HandlerFunction> = {};

  /**
   * The stage's base URL built from the API's ID alone: unlike `restApi.url` it does not depend on
   * the deployment (and so on every method), so a function the API itself reaches through a state
   * machine (CreateTask's callback URL) can name it without a dependency cycle.
   */
  readonly publicBaseUrl: string;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.restApi = new apigw.RestApi(this, 'RestApi', {
      description: 'seedance-stack REST API (IAM-signed)',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      cloudWatchRole: props.cloudWatchRole,
      // The account-wide setting outlives this stack: another API may rely on it.
      ...(props.cloudWatchRole ? { cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN } : {}),
      defaultMethodOptions: { authorizationType: apigw.AuthorizationType.IAM },
      deployOptions: {
        stageName: API_STAGE,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogs),
        accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields({
          caller: true,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: true,
        }),
        throttlingRateLimit: props.throttleRateLimit,
        throttlingBurstLimit: props.throttleBurstLimit,
        // Public routes (no authorizer) get a throttle of their own, far below the stage's.
        methodOptions: Object.fromEntries(
          props.routes.filter(isPublicRoute).map((r) => [
            `${r.path}/${r.method}`,
            {
              throttlingRateLimit: publicThrottle(r).rateLimit,
              throttlingBurstLimit: publicThrottle(r).burstLimit,
            },
          ]),
        ),
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        // Data trace would log request and response bodies: never.
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: true,
      },
    });
    this.acknowledgeApiFindings(props.cloudWatchRole);
    const stack = Stack.of(this);
    this.publicBaseUrl = `https://${this.restApi.restApiId}.execute-api.${stack.region}.${stack.urlSuffix}/${API_STAGE}`;

    for (const e of GATEWAY_ERRORS) {
      this.restApi.addGatewayResponse(`Gateway${e.code}${e.type.responseType}`, {
        type: e.type,
        ...(e.status ? { statusCode: e.status } : {}),
        responseHeaders: { 'Content-Type': "'application/json'" },
        templates: { 'application/json': errorTemplate(e.code) },
      });
    }

    const validator = this.restApi.addRequestValidator('Validator', {
      requestValidatorName: 'parameters-and-body',
      validateRequestParameters: true,
      validateRequestBody: true,
    });
    const jsonObject = this.restApi.addModel('JsonObject', {
      contentType: 'application/json',
      modelName: 'JsonObject',
      description: 'Any JSON object; the handler checks the fields.',
      schema: { schema: apigw.JsonSchemaVersion.DRAFT4, type: apigw.JsonSchemaType.OBJECT },
    });

    const accessByModule = new Map<string, { access: Set<Access>; summaries: string[] }>();
    for (const r of props.routes) {
      const entry = accessByModule.get(r.handler) ?? { access: new Set<Access>(), summaries: [] };
      r.access.forEach((a) => entry.access.add(a));
      entry.summaries.push(`${r.method} ${r.path}`);
      accessByModule.set(r.handler, entry);
    }
    for (const [module, { access, summaries }] of accessByModule) {
      const fn = new HandlerFunction(this, idFromModule(module), {
        handler: module,
        description: summaries.join(', '),
        environment: props.environment,
        logRetentionDays: props.logRetentionDays,
        timeoutSeconds: props.handlerTimeoutSeconds ?? API_HANDLER_TIMEOUT_SECONDS,
      });
      grantCapabilities(fn.fn, [...access], props.targets);
      this.functions[module] = fn;
    }

    for (const r of props.routes) {
      const fn = this.functions[r.handler];
      if (!fn) throw new Error(`no function for ${r.handler}`);
      const params = pathParameters(r.path);
      const open = isPublicRoute(r);
      const method = this.restApi.root
        .resourceForPath(r.path)
        .addMethod(r.method, new apigw.LambdaIntegration(fn.fn, { allowTestInvoke: false }), {
          operationName: r.name,
          authorizationType: open ? apigw.AuthorizationType.NONE : apigw.AuthorizationType.IAM,
          requestValidator: validator,
          // A public route's body is upstream's, checked by its handler; the edge validator would
          // answer a forger differently from a valid call.
          ...(r.method === 'POST' && !open ? { requestModels: { 'application/json': jsonObject } } : {}),
          requestParameters: Object.fromEntries(params.map((p) => [`method.request.path.${p}`, true])),
        });
      if (open) acknowledgePublicMethod(method, r);
    }
  }

  private acknowledgeApiFindings(cloudWatchRole: boolean): void {
    Validations.of(this.restApi).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason:
        'Every method requires SigV4 (AWS_IAM) and the stage is throttled; a WAF web ACL adds cost without a rule that IAM auth does not already cover. Attach one per deployment if needed.',
    });
    Validations.of(this.restApi).acknowledge({
      id: 'AwsSolutions-COG4',
      reason:
        'The API is for backend callers signing with IAM credentials (AWS_IAM on every method), not Cognito users.',
    });
    if (cloudWatchRole) {
      const role = this.restApi.node.tryFindChild('CloudWatchRole');
      if (role)
        Validations.of(role).acknowledge({
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
          reason:
            'The account-level role API Gateway uses to write stage logs; AWS maintains this managed policy for exactly that purpose.',
        });
    }
  }
}

/** cdk-nag's authorizer findings on a public route, acknowledged on that method only. */
function acknowledgePublicMethod(method: apigw.Method, r: Route): void {
  const reason =
    `${r.method} ${r.path} is opened by a person's browser (or upstream), which cannot sign with IAM: ` +
    'the request proves itself with an HMAC-signed state checked in constant time, and the method has its ' +
    `own throttle of ${publicThrottle(r).rateLimit}/s (burst ${publicThrottle(r).burstLimit}); it acts only on what it re-fetches.`;
  Validations.of(method).acknowledge({ id: 'AwsSolutions-APIG4', reason });
  Validations.of(method).acknowledge({ id: 'AwsSolutions-COG4', reason });
}

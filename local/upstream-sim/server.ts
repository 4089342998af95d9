/**
 * The simulator's one HTTP entry point (node:http, no framework): routes a request to the Volcengine
 * OpenAPI (`POST /?Action=…&Version=2024-01-01`), the task API (`[/seedance]/api/v3/contents/generations/tasks`),
 * the media links or the control endpoint, and applies the cross-cutting parts in upstream's order:
 * injected faults, authentication, rate limits, then the action. One log line per call when not quiet,
 * with no query string (links carry signatures), header or body.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { validateCreateTask } from './ark/content-rules';
import { ARK_CODE_STATUS, invalidParam, SimArkError } from './ark/errors';
import { handleControl } from './control-api';
import { BodyTooLarge, parseJson, readBody, resetConnection, sendJson, sendMalformed, sleep } from './http';
import { sampleLastFrame, sendBytes, sendStorageError, streamVideo } from './media';
import type { SimState } from './sim-state';
import type { FaultKind } from './types';
import { isVolcAction } from './volc/asset-library';
import { SimVolcError, volcError } from './volc/errors';
import { verifySignature } from './volc/signature';
import { SEEDANCE_TOKEN_GROUP, TIER_CREATE_ASSET_PER_MINUTE } from './defaults';
import { pickThrottleAnswer, throttleError } from './throttle';

const VOLC_VERSION = '2024-01-01';
const TASKS_PATH = /^(?:\/seedance)?\/api\/v3\/contents\/generations\/tasks(?:\/([^/]+))?\/?$/;
const MEDIA_PATH = /^\/_media\/(?:tasks\/([^/]+)\/(video\.mp4|last-frame\.png)|assets\/([^/]+))$/;

interface Call {
  action: string;
  faults: FaultKind[];
  throttled: boolean;
}

export function createRequestHandler(state: SimState) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const started = performance.now();
    const call: Call = { action: '-', faults: [], throttled: false };
    res.on('finish', () => finish(state, req, res, call, started));
    res.on('close', () => {
      if (!res.writableFinished) finish(state, req, res, call, started);
    });
    route(state, req, res, call).catch((e: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (e instanceof BodyTooLarge)
        sendJson(res, 413, { error: { code: 'RequestTooLarge', message: e.message } });
      else sendJson(res, 500, { error: { code: 'SimulatorError', message: String(e) } });
    });
  };
}

function finish(
  state: SimState,
  req: IncomingMessage,
  res: ServerResponse,
  call: Call,
  started: number,
): void {
  if (call.action === '-') return;
  const status = res.writableFinished ? res.statusCode : 0;
  state.counterStore.record(call.action, { status, throttled: call.throttled, faults: call.faults });
  if (!state.opts.quiet)
    process.stdout.write(
      `${JSON.stringify({
        time: new Date().toISOString(),
        method: req.method,
        action: call.action,
        status,
        ms: Math.round(performance.now() - started),
      })}\n`,
    );
  call.action = '-';
}

async function route(state: SimState, req: IncomingMessage, res: ServerResponse, call: Call): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://simulator');
  const path = url.pathname;
  if (path === '/_sim' || path.startsWith('/_sim/')) return handleControl(state, req, res, url);
  const media = MEDIA_PATH.exec(path);
  if (media) return handleMedia(state, req, res, call, url, media);
  const tasks = TASKS_PATH.exec(path);
  if (tasks) return handleTasks(state, req, res, call, url, tasks[1]);
  if (path === '/') return handleVolc(state, req, res, call, url);
  sendJson(res, 404, { error: { code: 'NotFound', message: `No route for ${req.method} ${path}` } });
}

/** Applies fault rules; returns true when a terminal fault already answered. */
async function applyFaults(
  state: SimState,
  req: IncomingMessage,
  call: Call,
  answer: (status: number, code: string | undefined, message: string | undefined) => void,
  malformed: () => void,
): Promise<boolean> {
  const d = state.faults.decide(call.action);
  if (!d.hit) return false;
  call.faults = d.kinds;
  if (d.latencyMs > 0) await sleep(d.latencyMs);
  const rule = d.terminal;
  if (!rule) return false;
  if (rule.kind === 'reset') resetConnection(req);
  else if (rule.kind === 'malformed') malformed();
  else answer(rule.status ?? 0, rule.code, rule.message);
  return true;
}

// ---- Volcengine OpenAPI ----

async function handleVolc(
  state: SimState,
  req: IncomingMessage,
  res: ServerResponse,
  call: Call,
  url: URL,
): Promise<void> {
  const body = await readBody(req);
  const action = url.searchParams.get('Action') ?? '';
  const version = url.searchParams.get('Version') ?? '';
  const meta = {
    RequestId: randomUUID().replace(/-/g, ''),
    Action: action,
    Version: version,
    Service: 'ark',
    Region: state.opts.region,
  };
  const fail = (e: SimVolcError) => {
    const error: Record<string, unknown> = { Code: e.code };
    if (e.codeN !== undefined) error.CodeN = e.codeN;
    error.Message = e.message;
    sendJson(res, e.status, { ResponseMetadata: { ...meta, Error: error } });
  };
  if (isVolcAction(action)) call.action = action;
  const faulted = await applyFaults(
    state,
    req,
    call,
    (status, code, message) => fail(new SimVolcError(code ?? 'InternalError', message, status || undefined)),
    () => sendMalformed(res, `{"ResponseMetadata":{"RequestId":"${meta.RequestId}","Action":"${action}"`),
  );
  if (faulted) return;
  try {
    const rawQuery = (req.url ?? '').split('?')[1] ?? '';
    verifySignature(
      { method: req.method ?? 'GET', path: url.pathname, rawQuery, headers: req.headers, body },
      {
        accessKeyId: state.opts.credentials.accessKeyId,
        secretAccessKey: state.opts.credentials.secretAccessKey,
        sessionToken: state.opts.credentials.sessionToken,
        region: state.opts.region,
        service: 'ark',
        maxClockSkewSeconds: state.opts.maxClockSkewSeconds,
      },
      Date.now(),
    );
    if (action === '') throw volcError('MissingParameter', 'Action');
    if (version === '') throw volcError('MissingParameter', 'Version');
    if (!isVolcAction(action) || version !== VOLC_VERSION || req.method !== 'POST')
      throw volcError('InvalidActionOrVersion', action, version);
    if (state.opts.deniedActions.includes(action))
      throw volcError('AccessDenied', `ark:${action}`, `trn:ark:${state.opts.region}::*`);
    if (!state.opts.assetEntitlement) throw volcError('SubscriptionRequired');
    const accepted = state.limiter.take(action) && (action !== 'CreateAsset' || state.assetMinute.take());
    if (!accepted) {
      call.throttled = true;
      const answer = pickThrottleAnswer(state.opts.throttleMix, action, state.rng);
      state.rateStatStore.throttled(action, answer);
      throw throttleError(answer, action, {
        perMinute: TIER_CREATE_ASSET_PER_MINUTE[state.opts.tier],
        tier: state.opts.tier,
      });
    }
    state.rateStatStore.accepted(action);
    let parsed: unknown;
    try {
      parsed = parseJson(body) ?? {};
    } catch {
      throw new SimVolcError('InvalidParameter', 'The request body is not valid JSON.');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new SimVolcError('InvalidParameter', 'The request body must be a JSON object.');
    const result = state.library.run(action, parsed as Record<string, unknown>);
    sendJson(res, 200, { ResponseMetadata: meta, Result: result });
  } catch (e) {
    if (!(e instanceof SimVolcError)) throw e;
    fail(e);
  }
}

// ---- Task API ----

function taskAction(method: string | undefined, id: string | undefined): string | undefined {
  if (id === undefined) return method === 'POST' ? 'CreateTask' : method === 'GET' ? 'ListTasks' : undefined;
  return method === 'GET' ? 'GetTask' : method === 'DELETE' ? 'DeleteTask' : undefined;
}

async function handleTasks(
  state: SimState,
  req: IncomingMessage,
  res: ServerResponse,
  call: Call,
  url: URL,
  rawId: string | undefined,
): Promise<void> {
  const body = await readBody(req);
  const id = rawId === undefined ? undefined : decodeURIComponent(rawId);
  const action = taskAction(req.method, id);
  const fail = (e: SimArkError) => sendJson(res, e.status, e.toBody());
  if (!action) {
    fail(new SimArkError(405, 'MethodNotAllowed', `${req.method} is not allowed here.`));
    return;
  }
  call.action = action;
  const faulted = await applyFaults(
    state,
    req,
    call,
    (status, code, message) => {
      const c = code ?? 'InternalServiceError';
      fail(new SimArkError(status || (ARK_CODE_STATUS[c] ?? 500), c, message ?? `Injected fault ${c}.`));
    },
    () => sendMalformed(res, action === 'CreateTask' ? '{"id":"cgt-' : '{"id":"cgt-0","status":'),
  );
  if (faulted) return;
  try {
    const auth = req.headers.authorization ?? '';
    const m = /^Bearer\s+(.+)$/i.exec(auth);
    if (!m || m[1]?.trim() !== state.opts.credentials.apiToken)
      throw new SimArkError(
        401,
        'AuthenticationError',
        'The API key or AK/SK in the request is missing or invalid.',
      );
    const throttled = (e: SimArkError): SimArkError => {
      call.throttled = true;
      state.rateStatStore.throttled(action, e.code);
      return e;
    };
    if (action === 'CreateTask') {
      if (!state.opts.tokenGroups.includes(SEEDANCE_TOKEN_GROUP)) throw noChannel(body);
      if (!state.taskRpm.take())
        throw throttled(
          new SimArkError(
            429,
            'ModelAccountRpmRateLimitExceeded',
            `Request rate of your account exceeds ${state.opts.taskRpm} requests per minute for this model. Please retry later.`,
          ),
        );
      let parsed: unknown;
      try {
        parsed = parseJson(body);
      } catch {
        throw invalidParam('body', 'is not valid JSON');
      }
      const spec = validateCreateTask(parsed, {
        models: state.opts.models,
        asset: (assetId) => state.library.activeAsset(assetId, state.opts.tokenProject),
      });
      if (spec.resolution === '4k' && !state.task4kRpm.take())
        throw throttled(
          new SimArkError(
            429,
            'ModelAccountRpmRateLimitExceeded',
            'Request rate of your account exceeds 15 requests per minute for 4k videos. Please retry later.',
          ),
        );
      state.rateStatStore.accepted(action);
      sendJson(res, 200, state.taskStore.create(spec));
      return;
    }
    if (!state.taskLimiter.take(action))
      throw throttled(
        new SimArkError(
          429,
          'RateLimitExceeded',
          `Request rate of your account exceeds ${state.taskLimiter.qpsFor(action)} QPS for ${action}. Please retry later.`,
        ),
      );
    state.rateStatStore.accepted(action);
    if (action === 'GetTask') {
      sendJson(res, 200, state.taskStore.get(id ?? ''));
    } else if (action === 'ListTasks') sendJson(res, 200, state.taskStore.list(url.searchParams));
    else {
      state.taskStore.delete(id ?? '');
      sendJson(res, 200, {});
    }
  } catch (e) {
    if (!(e instanceof SimArkError)) throw e;
    fail(e);
  }
}

// ---- Media links ----

async function handleMedia(
  state: SimState,
  req: IncomingMessage,
  res: ServerResponse,
  call: Call,
  url: URL,
  m: RegExpExecArray,
): Promise<void> {
  const [, taskId, file, assetId] = m;
  call.action =
    assetId !== undefined ? 'GetAssetFile' : file === 'video.mp4' ? 'GetVideoFile' : 'GetLastFrameFile';
  const faulted = await applyFaults(
    state,
    req,
    call,
    (status, code, message) =>
      sendStorageError(res, status || 500, code ?? 'InternalError', message ?? 'Injected fault'),
    () => {
      // A truncated body: the declared length is never reached.
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': 1024 });
      res.end(Buffer.alloc(16));
    },
  );
  if (faulted) return;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendStorageError(res, 405, 'MethodNotAllowed', 'Only GET and HEAD are allowed.');
    return;
  }
  const headOnly = req.method === 'HEAD';
  const link = state.links.check(url.pathname, url.searchParams);
  if (link !== 'ok') {
    sendStorageError(
      res,
      403,
      'AccessDenied',
      link === 'expired' ? 'Request has expired' : 'The request signature we calculated does not match',
    );
    return;
  }
  if (assetId !== undefined) {
    const f = state.library.file(assetId);
    if (!f) sendStorageError(res, 404, 'NoSuchKey', 'The specified key does not exist.');
    else sendBytes(res, f.bytes, f.contentType, headOnly);
    return;
  }
  const kind = file === 'video.mp4' ? 'video' : 'frame';
  if (!state.taskStore.mediaAvailable(taskId ?? '', kind)) {
    sendStorageError(res, 404, 'NoSuchKey', 'The specified key does not exist.');
    return;
  }
  if (kind === 'video') await streamVideo(res, state.opts.videoBytes, headOnly);
  else sendBytes(res, sampleLastFrame(), 'image/png', headOnly);
}

/**
 * What APIYI answers when the token's groups route no channel to the model. APIYI runs on new-api, whose
 * distributor answers 503 `model_not_found` in an OpenAI-style envelope; the exact text is a GUESS
 * (UPSTREAM.md §2 says only that the token needs the SeeDance2 group).
 */
function noChannel(body: Buffer): SimArkError {
  let model = 'unknown';
  try {
    const parsed = parseJson(body) as { model?: unknown } | undefined;
    if (typeof parsed?.model === 'string') model = parsed.model;
  } catch {
    // The model name only decorates the message.
  }
  return new SimArkError(
    503,
    'model_not_found',
    `No available channel for model ${model} under group default (distributor)`,
    '',
    'new_api_error',
  );
}
